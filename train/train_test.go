package train

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image/color"
	"image/png"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"z80lm/lm"
)

// synthPairs makes a chat-like data set: n source sentences of 2–6 words,
// each with a short reply and up to variants typo variants that keep it.
func synthPairs(seed uint64, n, variants int) []Pair {
	rng := rand.New(rand.NewPCG(seed, 1))
	words := strings.Fields("HELLO HOW ARE YOU WHAT IS YOUR NAME DO LIKE THE CAT DOG WHERE LIVE " +
		"TIME IT NOW GOOD BAD DAY NIGHT COMPUTER MEMORY BYTE WHY CAN I HAVE A MUSIC PLAY GAME TELL ME JOKE " +
		"OLD NEW FAST SLOW HOT COLD RAIN SUN FOOD EAT SLEEP WORK FRIEND LOVE HATE")
	replies := strings.Fields("HI YES NO MAYBE OK 64K 1982 BYTES SHH FINE NOPE SURE WHAT? WHY? BYE ZED " +
		"HMM LATER NEVER ALWAYS 4MHZ BEEP COLD HOT")
	var pairs []Pair
	for s := 0; s < n; s++ {
		w := make([]string, 2+rng.IntN(5))
		for i := range w {
			w[i] = words[rng.IntN(len(words))]
		}
		q := strings.Join(w, " ")
		r := replies[rng.IntN(len(replies))]
		if rng.IntN(3) == 0 {
			r += " " + replies[rng.IntN(len(replies))]
		}
		pairs = append(pairs, Pair{q, r})
		for v := 0; v < variants; v++ {
			b := []byte(q)
			i := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[i] = byte('A' + rng.IntN(26))
			case 1:
				b = append(b[:i], b[i+1:]...)
			default:
				b = append(b[:i+1], b[i:]...)
			}
			if len(strings.TrimSpace(string(b))) >= 2 {
				pairs = append(pairs, Pair{string(b), r})
			}
		}
	}
	return pairs
}

func TestTinyDatasetLearnedExactly(t *testing.T) {
	pairs := []Pair{
		{"HELLO", "HI THERE"}, {"HOW ARE YOU", "FINE"}, {"WHAT IS YOUR NAME", "ZED"},
		{"ARE YOU A COMPUTER", "YES, A Z80"}, {"BYE", "SEE YOU"}, {"HOW OLD ARE YOU", "1982"},
		{"DO YOU LIKE CATS", "NO MICE"}, {"TELL ME A JOKE", "NO."},
	}
	res, err := Train(context.Background(), pairs, Config{Hidden: []int{64, 32}, Epochs: 150, Batch: 8, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExactTrain != 1 || res.IntAcc != 1 {
		t.Errorf("exact %.3f, integer accuracy %.3f; want 1 and 1", res.ExactTrain, res.IntAcc)
	}
	// the default zero share, 75%, in every layer of the saved model,
	// and no weight -2 (Minus2 is off)
	if usesMinus2(res.Model) {
		t.Error("a weight is -2 without Minus2")
	}
	for k, l := range res.Model.Layers {
		n := 0
		for _, w := range l.W {
			if w == 0 {
				n++
			}
		}
		if z := float64(n) / float64(len(l.W)); z < 0.745 || z != res.Zeros[k] {
			t.Errorf("layer %d: %.4f of the weights are zero, reported %.4f; want 0.75", k+1, z, res.Zeros[k])
		}
	}
	for _, p := range pairs {
		if got := res.Model.Reply(p.Input); got != p.Response {
			t.Errorf("Reply(%q) = %q, want %q", p.Input, got, p.Response)
		}
	}
	if res.Params != res.Model.Params() || res.Params != 256*64+64+64*32+32+32*(len(res.Model.Charset))+len(res.Model.Charset) {
		t.Errorf("params %d", res.Params)
	}
}

// TestDeterministic trains twice with one seed on 1 and on 2 cores, and
// once with another seed: the first two models must be identical byte for
// byte, the third must differ.
func TestDeterministic(t *testing.T) {
	pairs := synthPairs(1, 40, 2)
	run := func(seed uint64, procs int) ([]byte, []Epoch) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		res, err := Train(context.Background(), pairs, Config{Hidden: []int{48, 32}, Epochs: 3, Seed: seed, Val: 0.2})
		if err != nil {
			t.Fatal(err)
		}
		b, err := res.Model.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		for i := range res.History {
			res.History[i].Seconds = 0
		}
		return b, res.History
	}
	a, ha := run(7, 1)
	b, hb := run(7, 2)
	c, _ := run(8, 2)
	if !bytes.Equal(a, b) {
		t.Error("same seed, different core count: models differ")
	}
	if ja, jb := mustJSON(t, ha), mustJSON(t, hb); ja != jb {
		t.Errorf("same seed: histories differ:\n%v\n%v", ha, hb)
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds gave the same model")
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestValSplitKeepsVariantsTogether(t *testing.T) {
	pairs := []Pair{
		{"WHAT IS YOUR NAME", "ZED"}, {"WHAT IS YUOR NAME", "ZED"}, {"WHAT IS YOUR NAEM", "ZED"}, {"YOUR NAME WHAT IS", "ZED"},
		{"HOW OLD ARE YOU", "1982"}, {"HOW OLD AER YOU", "1982"}, {"HOW OLD ARE YOU", "OLD"}, // same input, two replies
		{"DO YOU LIKE CATS", "NO MICE"}, {"DO YOU LIKE CAST", "NO MICE"},
		{"TELL ME A JOKE", "NO"}, {"ARE YOU A ROBOT", "NO"}, // same reply, unrelated inputs: independent
		{"HELLO", "HI"}, {"GOOD MORNING", "MORNING"}, {"GOOD NIGHT", "BYE"}, {"SEE YOU", "BYE"},
		{"WHERE DO YOU LIVE", "IN A BOX"}, {"WHERE DO YOU LIV", "IN A BOX"},
	}
	groups := [][]string{
		{"WHAT IS YOUR NAME", "WHAT IS YUOR NAME", "WHAT IS YOUR NAEM", "YOUR NAME WHAT IS"},
		{"HOW OLD ARE YOU", "HOW OLD AER YOU"},
		{"DO YOU LIKE CATS", "DO YOU LIKE CAST"},
		{"WHERE DO YOU LIVE", "WHERE DO YOU LIV"},
	}
	apart := 0
	for seed := uint64(0); seed < 40; seed++ {
		tr, va := splitVal(pairs, 0.3, seed)
		if len(tr)+len(va) != len(pairs) || len(va) == 0 || len(tr) == 0 {
			t.Fatalf("seed %d: %d training and %d held-out pairs of %d", seed, len(tr), len(va), len(pairs))
		}
		side := map[string]bool{}
		for _, i := range va {
			side[pairs[i].Input] = true
		}
		for _, g := range groups {
			for _, in := range g[1:] {
				if side[in] != side[g[0]] {
					t.Fatalf("seed %d: %q and %q are on different sides", seed, g[0], in)
				}
			}
		}
		// 15 distinct inputs × 0.3 = 4.5 → 5 held out, never more
		distinct := map[string]bool{}
		for _, i := range va {
			distinct[pairs[i].Input] = true
		}
		if len(distinct) > 5 {
			t.Fatalf("seed %d: %d distinct inputs held out, want at most 5", seed, len(distinct))
		}
		if side["TELL ME A JOKE"] != side["ARE YOU A ROBOT"] {
			apart++
		}
	}
	if apart == 0 {
		t.Error("unrelated inputs with the same reply were never split: they should not be grouped")
	}
	if tr, va := splitVal(pairs, 0, 1); len(tr) != len(pairs) || va != nil {
		t.Errorf("no validation share: %d/%d", len(tr), len(va))
	}
}

func TestJaccard(t *testing.T) {
	a, b := trigramSet("ab"), trigramSet("AB")
	if fmt.Sprint(a) != "[ ab ab ]" || jaccard(a, b) != 1 {
		t.Errorf("trigrams %q, jaccard %g", a, jaccard(a, b))
	}
	// " abc " has " ab", "abc", "bc "; " abd " has " ab", "abd", "bd ": 1 shared of 5
	if j := jaccard(trigramSet("ABC"), trigramSet("ABD")); j != 0.2 {
		t.Errorf("jaccard = %g, want 0.2", j)
	}
}

func TestBadInput(t *testing.T) {
	good := []Pair{{"HELLO", "HI"}, {"BYE", "BYE"}}
	resume := randomModel(rand.New(rand.NewPCG(1, 1)), []int{256, 8, 3}, 2, 10)
	resume.Charset = []byte{'H', 'I', lm.EOS}
	tests := []struct {
		name  string
		pairs []Pair
		cfg   Config
		want  string
	}{
		{"no pairs", nil, Config{}, "no training pairs"},
		{"zero width", good, Config{Hidden: []int{0}}, "hidden layer width 0"},
		{"too wide", good, Config{Hidden: []int{64, 300}}, "hidden layer width 300"},
		{"no hidden layer", good, Config{Hidden: []int{}}, "at least one hidden layer"},
		{"val 1", good, Config{Val: 1}, "validation share 1"},
		{"val negative", good, Config{Val: -0.5}, "validation share -0.5"},
		{"epochs", good, Config{Epochs: -3}, "epochs -3"},
		{"batch", good, Config{Batch: -1}, "batch -1"},
		{"long reply", []Pair{{"HELLO", strings.Repeat("A", 51)}}, Config{}, "51 characters long, the limit is 50"},
		{"resume charset", good, Config{Resume: resume}, `response "BYE" has character 'B', which is not in the model's character set "HI"`},
	}
	for _, tt := range tests {
		_, err := Train(context.Background(), tt.pairs, tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	bad := randomModel(rand.New(rand.NewPCG(1, 1)), []int{256, 8, 3}, 2, 10)
	bad.Charset = []byte{'H', 'I', lm.EOS}
	bad.Layers[0].W[5] = 3 // outside the 2-bit range
	if _, err := Train(context.Background(), good, Config{Resume: bad}); err == nil || !strings.Contains(err.Error(), "resume model") {
		t.Errorf("invalid resume model: error %v", err)
	}
}

func TestResume(t *testing.T) {
	pairs := synthPairs(2, 30, 1)
	first, err := Train(context.Background(), pairs, Config{Hidden: []int{64, 32}, Epochs: 4, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// resuming with no learning rate to speak of must reproduce the model
	same, err := Train(context.Background(), pairs, Config{Epochs: 1, Seed: 1, Resume: first.Model, LR: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	if same.IntAcc != first.IntAcc || fmt.Sprint(same.Model.Layers) != fmt.Sprint(first.Model.Layers) {
		t.Errorf("resumed without learning: int acc %.4f, was %.4f; layers equal: %v", same.IntAcc, first.IntAcc,
			fmt.Sprint(same.Model.Layers) == fmt.Sprint(first.Model.Layers))
	}
	more, err := Train(context.Background(), pairs, Config{Epochs: 20, Seed: 1, Resume: first.Model})
	if err != nil {
		t.Fatal(err)
	}
	if more.IntAcc <= first.IntAcc || fmt.Sprint(more.Model.HiddenSizes()) != "[64 32]" || !bytes.Equal(more.Model.Charset, first.Model.Charset) {
		t.Errorf("resumed: int acc %.4f (was %.4f), hidden %v", more.IntAcc, first.IntAcc, more.Model.HiddenSizes())
	}
}

// TestInterrupt cancels training from its progress callback: Train must
// stop, return the best completed epoch's model and say so.
func TestInterrupt(t *testing.T) {
	pairs := synthPairs(3, 30, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := Config{Hidden: []int{32}, Epochs: 50, Seed: 1}
	cfg.Progress = func(p Progress) {
		if p.Epoch == 3 && p.Step == 1 {
			cancel()
		}
	}
	res, err := Train(ctx, pairs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted || len(res.History) != 2 || res.Model == nil || res.BestEpoch < 1 || res.BestEpoch > 2 {
		t.Errorf("interrupted %v after %d epochs, best %d", res.Interrupted, len(res.History), res.BestEpoch)
	}
}

func TestPlotSVG(t *testing.T) {
	h := []Epoch{{Epoch: 1, Loss: 2, FloatAcc: 0.5, IntAcc: 0.4}, {Epoch: 2, Loss: 1, FloatAcc: 0.7, IntAcc: 0.7}, {Epoch: 3, Loss: 0.5, FloatAcc: 0.9, IntAcc: 0.9}}
	var doc struct {
		Lines []struct {
			Points string `xml:"points,attr"`
		} `xml:"polyline"`
	}
	if err := xml.Unmarshal(PlotSVG(h), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Lines) != 3 {
		t.Fatalf("%d polylines, want 3", len(doc.Lines))
	}
	// plot area: x 50..580, y 30..320; loss 2 (the maximum) is at the top,
	// accuracy 0.4 at 30 + 290·0.6 = 204
	want := []string{"50.0,30.0 315.0,175.0 580.0,247.5", "50.0,175.0 315.0,117.0 580.0,59.0", "50.0,204.0 315.0,117.0 580.0,59.0"}
	for i, l := range doc.Lines {
		if l.Points != want[i] {
			t.Errorf("polyline %d: %q, want %q", i, l.Points, want[i])
		}
	}
}

// TestPlotPNG checks the PNG's size and, at points computed by hand from
// the layout of TestPlotSVG, the colours: the integer accuracy line (drawn
// last) at its first and last point, the white background elsewhere.
func TestPlotPNG(t *testing.T) {
	h := []Epoch{{Epoch: 1, Loss: 2, FloatAcc: 0.5, IntAcc: 0.4}, {Epoch: 2, Loss: 1, FloatAcc: 0.7, IntAcc: 0.7}, {Epoch: 3, Loss: 0.5, FloatAcc: 0.9, IntAcc: 0.9}}
	img, err := png.Decode(bytes.NewReader(PlotPNG(h)))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 360 {
		t.Fatalf("size %v, want 640×360", b)
	}
	red := color.RGBA{0xd6, 0x27, 0x28, 0xff}
	for _, c := range []struct {
		x, y int
		want color.RGBA
	}{{50, 204, red}, {580, 59, red}, {315, 117, red}, {300, 300, color.RGBA{0xff, 0xff, 0xff, 0xff}}} {
		if got := color.RGBAModel.Convert(img.At(c.x, c.y)); got != c.want {
			t.Errorf("pixel (%d,%d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

// BenchmarkEpoch measures training throughput on a chat-sized data set
// (about 3,000 pairs) with the default architecture.
func BenchmarkEpoch(b *testing.B) {
	pairs := synthPairs(4, 1000, 2)
	resps := make([]string, len(pairs))
	for i, p := range pairs {
		resps[i] = p.Response
	}
	charset := lm.BuildCharset(resps)
	ex, err := buildExamples(pairs, charset)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	tr := &trainer{cfg: Config{Batch: 64, LR: 0.03}, n: newNet([]int{256, 256, 192, 128, len(charset)}, 2, wMin, rng),
		ex: ex, charset: charset, rng: rng, alpha0: alphaStart, total: 1 << 30}
	tr.init()
	tr.initTemperature()
	b.ResetTimer()
	for range b.N {
		tr.epoch(context.Background(), 1, time.Now(), nil)
	}
	b.ReportMetric(float64(len(ex.list))*float64(b.N)/b.Elapsed().Seconds(), "examples/s")
}

// FuzzTrain feeds arbitrary pairs to a tiny training run: it must return
// an error or a valid model, never panic.
func FuzzTrain(f *testing.F) {
	f.Add("HELLO|HI\nBYE|BYE\nHOW ARE YOU|FINE", 0.3)
	f.Add("A|\n|B\n\x00|\x00\xff", 0.0)
	f.Add("SAME|ONE\nSAME|TWO\nSAME|ONE", 0.5)
	f.Fuzz(func(t *testing.T, data string, val float64) {
		var pairs []Pair
		for _, line := range strings.Split(data, "\n") {
			in, resp, _ := strings.Cut(line, "|")
			pairs = append(pairs, Pair{in, resp})
		}
		res, err := Train(context.Background(), pairs, Config{Hidden: []int{4}, Epochs: 1, Val: val})
		if err != nil {
			return
		}
		if err := res.Model.Validate(); err != nil {
			t.Fatalf("trained an invalid model: %v", err)
		}
		if res.ExactTrain < 0 || res.ExactTrain > 1 || res.IntAcc < 0 || res.IntAcc > 1 {
			t.Fatalf("exact %g, int acc %g", res.ExactTrain, res.IntAcc)
		}
	})
}

// TestSimilarInputsMatchesBruteForce checks the prefix-filtered join
// against comparing every pair: the same groups must come out.
func TestSimilarInputsMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 20; trial++ {
		pairs := synthPairs(uint64(trial), 15, 6)
		var grams [][]string
		var list []int
		for i, p := range pairs {
			grams = append(grams, trigramSet(p.Input))
			list = append(list, i)
		}
		thr := []float64{0.3, 0.5, 0.7}[rng.IntN(3)]
		partition := func(join func(find func(int) int, union func(a, b int))) []int {
			parent := make([]int, len(list))
			for i := range parent {
				parent[i] = i
			}
			var find func(int) int
			find = func(x int) int {
				for parent[x] != x {
					x = parent[x]
				}
				return x
			}
			join(find, func(a, b int) { parent[find(a)] = find(b) })
			// canonical: each input labelled by the smallest member of its group
			label := map[int]int{}
			var out []int
			for i := range list {
				r := find(i)
				if _, ok := label[r]; !ok {
					label[r] = i
				}
				out = append(out, label[r])
			}
			return out
		}
		fast := partition(func(find func(int) int, union func(a, b int)) {
			similarInputs(list, grams, thr, find, union, make([]int, len(list)))
		})
		brute := partition(func(find func(int) int, union func(a, b int)) {
			for a := range list {
				for b := a + 1; b < len(list); b++ {
					if jaccard(grams[a], grams[b]) >= thr {
						union(a, b)
					}
				}
			}
		})
		if !slices.Equal(fast, brute) {
			t.Fatalf("trial %d, threshold %g: groups differ\nfast  %v\nbrute %v", trial, thr, fast, brute)
		}
		joined := 0
		for i, l := range brute {
			if l != i {
				joined++
			}
		}
		if joined == 0 || joined == len(brute)-1 {
			t.Fatalf("trial %d: %d of %d inputs joined; the test would not check the join", trial, joined, len(brute))
		}
	}
}
