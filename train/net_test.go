package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"z80lm/lm"
)

// randomModel makes a model with uniformly random 2-bit weights and
// biases; with big biases some accumulators leave int16 and wrap.
func randomModel(rng *rand.Rand, sizes []int, shift uint, biasMax int) *lm.Model {
	m := &lm.Model{}
	for c := 0; c < sizes[len(sizes)-1]-1; c++ {
		m.Charset = append(m.Charset, byte('!'+c))
	}
	m.Charset = append(m.Charset, lm.EOS)
	for k := 0; k+1 < len(sizes); k++ {
		l := lm.Layer{In: sizes[k], Out: sizes[k+1], Bits: 2, Shift: shift, W: make([]int8, sizes[k]*sizes[k+1]), B: make([]int16, sizes[k+1])}
		for i := range l.W {
			l.W[i] = int8(rng.IntN(4) - 2)
		}
		for o := range l.B {
			l.B[o] = int16(rng.IntN(2*biasMax+1) - biasMax)
		}
		m.Layers = append(m.Layers, l)
	}
	return m
}

func randomText(rng *rand.Rand, n int) string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ    ?!'0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[rng.IntN(len(letters))]
	}
	return string(b)
}

// TestIntegerMatchesReference checks, value by value, that the trainer's
// integer program (sparse, input-major) gives the logits of lm's reference
// inference, including models whose accumulators wrap; and that the
// training pass at α = 1 gives the same logits wherever nothing wraps.
func TestIntegerMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		sizes   []int
		shift   uint
		biasMax int
	}{
		{[]int{256, 256, 192, 128, 40}, 2, 300},
		{[]int{256, 16, 7}, 2, 32767}, // wraps often
		{[]int{256, 64, 64, 12}, 0, 2000},
		{[]int{256, 33, 5}, 4, 100},
		{[]int{256, 1, 2}, 1, 50},
	}
	var steps, wrapped, compared int
	for ci, c := range cases {
		for trial := 0; trial < 4; trial++ {
			m0 := randomModel(rng, c.sizes, c.shift, c.biasMax)
			n, err := netFromModel(m0, wMin)
			if err != nil {
				t.Fatal(err)
			}
			// master weights off the grid and, on odd trials, dead
			// zones: the exported model is what the training pass must
			// compute
			for k := range n.layers {
				l := &n.layers[k]
				for i := range l.u {
					l.u[i] = clip(l.u[i]+float32(rng.Float64()-0.5)*0.98, wMin, wMax)
				}
				if trial%2 == 1 {
					l.theta = float32(0.5 + rng.Float64())
				}
			}
			m := n.model(m0.Charset)
			if err := m.Validate(); err != nil {
				t.Fatal(err)
			}
			in := newIntNet(m)
			ip := newIntPass(in)
			v := newView(n)
			v.set(n, 1)
			ps := newPass(n)
			ref := lm.NewRunner(m)
			for q := 0; q < 10; q++ {
				query := randomText(rng, 2+rng.IntN(lm.MaxQuery-1))
				reply := randomText(rng, rng.IntN(lm.MaxReply))
				ex, err := buildExamples([]Pair{{query, reply}}, charsetOf(reply))
				if err != nil {
					t.Fatal(err)
				}
				ref.Start(query)
				for k := range ex.list {
					ref.Step()
					want := ref.Acts[len(ref.Acts)-1]
					ps.load(ex, &ex.list[k])
					got, wraps := ip.forward(in, ps.idx, ps.val)
					for j := range want {
						if got[j] != want[j] {
							t.Fatalf("case %d: query %q, step %d: integer logit %d = %d, reference %d", ci, query, k, j, got[j], want[j])
						}
					}
					steps++
					if wraps > 0 {
						wrapped++
					} else {
						ps.forward(v)
						for j, y := range ps.h[len(ps.h)-1] {
							if y != float32(want[j]) {
								t.Fatalf("case %d: query %q, step %d: training-pass logit %d = %g, reference %d", ci, query, k, j, y, want[j])
							}
						}
						compared++
					}
					if k < len(reply) {
						ref.Push(reply[k])
					}
				}
			}
		}
	}
	if wrapped == 0 || compared == 0 {
		t.Fatalf("%d steps: %d with wraps, %d without; the cases should give both", steps, wrapped, compared)
	}
	t.Logf("%d steps equal, %d of them with wrapped accumulators", steps, wrapped)
}

func TestQuantDeadZone(t *testing.T) {
	for _, c := range []struct{ u, theta, want float32 }{
		{0.49, 0.5, 0}, {0.5, 0.5, 1}, {-0.5, 0.5, 0}, {-0.51, 0.5, -1}, {-1.5, 0.5, -1}, {-1.51, 0.5, -2},
		{1.5, 0.5, 1}, {-2.5, 0.5, -2}, {0.9, 1, 0}, {1, 1, 1}, {-0.99, 1, 0}, {-1.6, 1, -2}, {-1.6, 1.7, 0}, {-2.5, 2.6, 0},
	} {
		if got := quant(c.u, c.theta); got != c.want {
			t.Errorf("quant(%g, %g) = %g, want %g", c.u, c.theta, got, c.want)
		}
	}
}

func TestZeroThreshold(t *testing.T) {
	// |u| of 0.1, 0.2, ..., 1.0, each as + and −: a share s of the 20
	// weights lies below θ; θ is never below ½, where 9 quantize to 0
	// already (−0.5 rounds up to 0)
	var u []float32
	for i := 1; i <= 10; i++ {
		u = append(u, float32(i)/10, -float32(i)/10)
	}
	for _, c := range []struct {
		zeros float64
		below int
	}{{0.2, 9}, {0.4, 9}, {0.6, 12}, {0.7, 14}, {0.9, 18}, {1, 20}} {
		theta := zeroThreshold(u, c.zeros)
		n := 0
		for _, x := range u {
			if quant(x, theta) == 0 {
				n++
			}
		}
		if n != c.below || theta < 0.5 {
			t.Errorf("zeroThreshold(0.1..1, %g) = %g: %d zeros, want %d", c.zeros, theta, n, c.below)
		}
	}
	// whole-number weights (a resumed model), 70% zeros: a target of 71%
	// must not prune every ±1
	w := make([]float32, 100)
	for i := 70; i < 100; i++ {
		w[i] = float32(1 - 2*(i%2))
	}
	if got := zeroThreshold(w, 0.71); got > 1 {
		t.Errorf("zeroThreshold(70%% zeros, 0.71) = %g: prunes the ±1 weights", got)
	}
	// most weights at the end of the range, ±wMax: a target of 75% must
	// not prune them all
	for i := range w {
		w[i] = wMax * float32(1-2*(i%2))
	}
	w[0], w[1] = 0.2, -0.3
	if got := zeroThreshold(w, 0.75); quant(wMax, got) == 0 || quant(-wMax, got) == 0 {
		t.Errorf("zeroThreshold(98%% at ±%g, 0.75) = %g: prunes every one", wMax, got)
	}
}

// charsetOf is a charset holding the characters of s (any order; the
// test only needs every reply byte present).
func charsetOf(s string) []byte {
	var cs []byte
	seen := map[byte]bool{}
	for i := 0; i < len(s); i++ {
		if !seen[s[i]] {
			seen[s[i]] = true
			cs = append(cs, s[i])
		}
	}
	return append(cs, lm.EOS)
}

// TestGradientCheck compares the backward pass with central finite
// differences of the objective (cross-entropy + overflow penalty) on a tiny
// net. It uses the smooth surrogate (no rounding, no floor), whose
// gradient is exactly what the straight-through backward pass computes.
func TestGradientCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := newNet([]int{256, 6, 5, 5}, 2, wMin, rng)
	for k := range n.layers {
		for o := range n.layers[k].b {
			n.layers[k].b[o] = float32(rng.NormFloat64() * 20)
		}
	}
	n.layers[0].b[1] = 17000  // beyond the overflow margin: the penalty is active
	n.layers[2].b[3] = -16900 // and on the last layer
	n.t = -6
	ex, err := buildExamples([]Pair{{"HELLO THERE", "HI"}, {"WHO ARE YOU", "ME"}}, []byte("HIME\x00"))
	if err != nil {
		t.Fatal(err)
	}
	ps := newPass(n)
	v := newView(n)
	v.smooth = true
	v.ovf = 0.5
	objective := func() float64 {
		v.set(n, 0)
		g := newGrads(n)
		for i := range ex.list {
			ps.load(ex, &ex.list[i])
			ps.forward(v)
			ps.backward(v, g, int(ex.list[i].target), 1)
		}
		return g.loss + g.penalty
	}
	v.set(n, 0)
	g := newGrads(n)
	for i := range ex.list {
		ps.load(ex, &ex.list[i])
		ps.forward(v)
		ps.backward(v, g, int(ex.list[i].target), 1)
	}
	if g.penalty == 0 {
		t.Fatal("the overflow penalty is not active; the test would not check it")
	}
	check := func(name string, p *float32, analytic float64) {
		t.Helper()
		old := *p
		const h = 1e-2
		*p = old + h
		up := objective()
		*p = old - h
		down := objective()
		*p = old
		numeric := (up - down) / (2 * h)
		if !(math.Abs(numeric-analytic) <= 2e-3+2e-2*math.Abs(numeric)) { // NaN fails too
			t.Errorf("%s: backward %.6g, finite differences %.6g", name, analytic, numeric)
		}
	}
	checked := 0
	for k, l := range n.layers {
		for i := range l.u {
			if g.w[k][i] != 0 || rng.IntN(10) == 0 {
				check("w", &l.u[i], float64(g.w[k][i]))
				checked++
			}
		}
		for o := range l.b {
			check("b", &l.b[o], float64(g.b[k][o]))
		}
	}
	check("t", &n.t, g.t)
	if checked < 20 {
		t.Fatalf("only %d weights checked", checked)
	}
}
