package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"z80lm/dataset"
	"z80lm/lm"
	"z80lm/train"
)

func init() {
	register(&command{name: "train",
		args:    "--data FILE|- --out MODEL [--hidden 256,192,128] [--epochs N] [--seed N] [--val FRACTION] [--report FILE.json] [--resume MODEL] [--plot FILE.svg|FILE.png] [--zeros SHARE] [--minus2] [--typos P]",
		summary: "train a model (quantization-aware: it trains the Z80's integer program)",
		run:     runTrain})
}

func runTrain(args []string) error {
	c := commands["train"]
	fs := newFlags(c)
	data := fs.String("data", "", "training data `FILE` of input|response lines (- = stdin)")
	out := fs.String("out", "", "write the model to `MODEL`")
	hidden := fs.String("hidden", "256,192,128", "hidden layer `WIDTHS`, comma-separated, each 1..256")
	epochs := fs.Int("epochs", 30, "training epochs")
	seed := fs.Uint64("seed", 1, "random seed (initialisation, shuffling, validation split)")
	val := fs.Float64("val", 0, "hold out this `FRACTION` of the distinct inputs and report exact replies on them;\n"+
		"inputs with a common reply and trigram sets of Jaccard similarity >= 0.5 (variants of one\n"+
		"sentence) are grouped and held out together")
	report := fs.String("report", "", "write figures and per-epoch history as JSON to `FILE`")
	resume := fs.String("resume", "", "continue training `MODEL` (same character set)")
	plot := fs.String("plot", "", "draw loss and accuracies per epoch to `FILE` (.svg, or .png without labels)")
	batch := fs.Int("batch", 64, "examples per optimisation step")
	lr := fs.Float64("lr", 0.03, "Adam step size (weights, in grid units)")
	dropout := fs.Float64("dropout", 0.1, "leave out each query trigram of a training example with this probability (0: never)")
	zeros := fs.Float64("zeros", 0.75, "make this `SHARE` of each layer's weights zero (0: no target); the Z80's fast kernels\n"+
		"walk the non-zero weights, so fewer make a faster and smaller .COM")
	minus2 := fs.Bool("minus2", false, "allow the weight -2 (slower on the Z80); without it weights are -1, 0, +1")
	typos := fs.Float64("typos", 0.5, "give the query of a training example a random typo with this `PROBABILITY` at each step (0: never)")
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q", pos[0])
	case *data == "":
		return usagef("missing --data FILE")
	case *out == "":
		return usagef("missing --out MODEL")
	case *epochs < 1:
		return usagef("--epochs %d: must be at least 1", *epochs)
	case *batch < 1:
		return usagef("--batch %d: must be at least 1", *batch)
	case !(*lr > 0):
		return usagef("--lr %g: must be positive", *lr)
	case !(*val >= 0 && *val < 1):
		return usagef("--val %g: must be at least 0 and below 1", *val)
	case !(*dropout >= 0 && *dropout < 1):
		return usagef("--dropout %g: must be at least 0 and below 1", *dropout)
	case !(*zeros >= 0 && *zeros < 1):
		return usagef("--zeros %g: must be at least 0 and below 1", *zeros)
	case !(*typos >= 0 && *typos <= 1):
		return usagef("--typos %g: must be between 0 and 1", *typos)
	case *plot != "" && !strings.EqualFold(filepath.Ext(*plot), ".svg") && !strings.EqualFold(filepath.Ext(*plot), ".png"):
		return usagef("--plot %s: the name must end in .svg or .png", *plot)
	}
	hiddenSet := false
	fs.Visit(func(f *flag.Flag) { hiddenSet = hiddenSet || f.Name == "hidden" })
	cfg := train.Config{Epochs: *epochs, Seed: *seed, Val: *val, Batch: *batch, LR: *lr, Dropout: *dropout, Zeros: *zeros, Typos: *typos, Minus2: *minus2}
	// Config's zero values mean the defaults
	for _, f := range []struct {
		flag float64
		cfg  *float64
	}{{*dropout, &cfg.Dropout}, {*zeros, &cfg.Zeros}, {*typos, &cfg.Typos}} {
		if f.flag == 0 {
			*f.cfg = -1
		}
	}
	if cfg.Hidden, err = parseWidths(*hidden); err != nil {
		return usagef("--hidden %s: %v", *hidden, err)
	}

	// find an unwritable output before training, not after
	for _, path := range []string{*out, *report, *plot} {
		if path != "" {
			f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
			if err != nil {
				return fmt.Errorf("cannot write %s: %v", path, err)
			}
			f.Close()
			os.Remove(f.Name())
		}
	}
	set, err := dataset.Load(*data)
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, set.Summary())
	if *resume != "" {
		m, err := lm.Load(*resume)
		if err != nil {
			return err
		}
		if h := m.HiddenSizes(); hiddenSet && fmt.Sprint(h) != fmt.Sprint(cfg.Hidden) {
			return usagef("--hidden %s: the model %s has hidden layers %v", *hidden, *resume, h)
		}
		if err := set.CheckCharset(m.Charset); err != nil {
			return fmt.Errorf("%v (the model %s cannot produce it; train a new model instead of resuming)", err, *resume)
		}
		cfg.Resume = m
	}
	pairs := make([]train.Pair, len(set.Pairs))
	for i, p := range set.Pairs {
		pairs[i] = train.Pair{Input: p.Input, Response: p.Response}
	}

	// The first Ctrl-C stops training and keeps the best model; after it
	// the default handling is back, so a second one kills at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	context.AfterFunc(ctx, stop)
	pr := newProgress(os.Stderr)
	cfg.Progress = pr.update
	res, err := train.Train(ctx, pairs, cfg)
	pr.done()
	if err != nil {
		return err
	}
	res.Model.Meta.DataHash = dataHash(set)
	if err := res.Model.Save(*out); err != nil {
		return err
	}
	if res.Interrupted {
		fmt.Fprintf(os.Stderr, "interrupted: saved the best model so far (epoch %d)\n", res.BestEpoch)
	}
	fmt.Printf("model %s: %d parameters, best epoch %d of %d\n", *out, res.Params, res.BestEpoch, len(res.History))
	fmt.Printf("next-character accuracy on %d training examples: float %.2f%%, integer %.2f%%\n", res.Examples, 100*res.FloatAcc, 100*res.IntAcc)
	fmt.Printf("exact replies (integer inference): training %.2f%% of %d pairs", 100*res.ExactTrain, res.TrainPairs)
	if res.ExactVal != nil {
		fmt.Printf(", held out %.2f%% of %d pairs", 100**res.ExactVal, res.ValPairs)
	}
	fmt.Printf("\ntime %.1f s\nweights     -2     -1      0     +1\n", res.Seconds)
	for k, s := range train.WeightShares(res.Model) {
		fmt.Printf("layer %d %5.1f%% %5.1f%% %5.1f%% %5.1f%%\n", k+1, 100*s[0], 100*s[1], 100*s[2], 100*s[3])
	}

	queries, replies := make([]string, len(pairs)), make([]string, len(pairs))
	for i, p := range pairs {
		queries[i], replies[i] = p.Input, p.Response
	}
	ovf, err := lm.Overflow(res.Model, queries, replies)
	if err != nil {
		return err
	}
	fmt.Print(ovf.String())
	wrapped := 0
	for _, l := range ovf.Layers {
		wrapped += l.Wrapped
	}
	if wrapped > 0 {
		fmt.Fprintf(os.Stderr, "warning: %d accumulators wrap on the training data; try fewer or narrower layers\n", wrapped)
	}

	if *report != "" {
		if err := writeReport(*report, res); err != nil {
			return err
		}
	}
	if *plot != "" {
		img := train.PlotSVG(res.History)
		if strings.EqualFold(filepath.Ext(*plot), ".png") {
			img = train.PlotPNG(res.History)
		}
		if err := writeFile(*plot, img); err != nil {
			return err
		}
	}
	return nil
}

// parseWidths parses "256,192,128".
func parseWidths(s string) ([]int, error) {
	var w []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		if n < 1 || n > 256 {
			return nil, fmt.Errorf("width %d: must be 1..256", n)
		}
		w = append(w, n)
	}
	return w, nil
}

func dataHash(s *dataset.Set) string {
	h := sha256.New()
	for _, p := range s.Pairs {
		fmt.Fprintf(h, "%s|%s\n", p.Input, p.Response)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// trainReport is the --report JSON.
type trainReport struct {
	FloatAcc    float64       `json:"float_acc"`
	IntAcc      float64       `json:"int_acc"`
	ExactTrain  float64       `json:"exact_train"`
	ExactVal    *float64      `json:"exact_val"`
	Seconds     float64       `json:"seconds"`
	Params      int           `json:"params"`
	Zeros       []float64     `json:"zeros"`
	Weights     [][4]float64  `json:"weight_shares"` // per layer: -2, -1, 0, +1
	Epochs      int           `json:"epochs"`
	BestEpoch   int           `json:"best_epoch"`
	TrainPairs  int           `json:"train_pairs"`
	ValPairs    int           `json:"val_pairs"`
	Examples    int           `json:"examples"`
	Inputs      int           `json:"distinct_inputs"`
	SecondsTo   []milestone   `json:"seconds_to_int_acc"`
	Interrupted bool          `json:"interrupted,omitempty"`
	History     []train.Epoch `json:"history"`
}

type milestone struct {
	IntAcc  float64 `json:"int_acc"`
	Seconds float64 `json:"seconds"`
}

func writeReport(path string, res *train.Result) error {
	r := trainReport{FloatAcc: res.FloatAcc, IntAcc: res.IntAcc, ExactTrain: res.ExactTrain, ExactVal: res.ExactVal,
		Seconds: res.Seconds, Params: res.Params, Zeros: res.Zeros, Weights: train.WeightShares(res.Model), Epochs: len(res.History), BestEpoch: res.BestEpoch,
		TrainPairs: res.TrainPairs, ValPairs: res.ValPairs, Examples: res.Examples, Inputs: res.Inputs,
		SecondsTo: []milestone{}, Interrupted: res.Interrupted, History: res.History}
	for _, a := range []float64{0.8, 0.85, 0.875, 0.9, 0.95} {
		if s, ok := res.SecondsTo(a); ok {
			r.SecondsTo = append(r.SecondsTo, milestone{a, s})
		}
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(path, append(b, '\n'))
}

// progress shows training progress: a redrawn bar with ETA on a terminal,
// one plain line per epoch otherwise.
type progress struct {
	w     io.Writer
	tty   bool
	shown bool
}

func newProgress(f *os.File) *progress {
	return &progress{w: f, tty: term.IsTerminal(int(f.Fd()))}
}

func (p *progress) update(s train.Progress) {
	acc := ""
	if s.Last != nil {
		acc = fmt.Sprintf(" acc %.1f%% int %.1f%%", 100*s.Last.FloatAcc, 100*s.Last.IntAcc)
	}
	if !p.tty {
		if s.EpochDone {
			val := ""
			if s.Last.ExactVal != nil {
				val = fmt.Sprintf(" val %.1f%%", 100**s.Last.ExactVal)
			}
			fmt.Fprintf(p.w, "epoch %d/%d loss %.4f%s%s zeros %.1f%% wraps %d %.1fs\n", s.Epoch, s.Epochs, s.Loss, acc, val, 100*slices.Min(s.Last.Zeros), s.Last.Wraps, s.Elapsed.Seconds())
		}
		return
	}
	done := float64(s.Epoch-1) + float64(s.Step)/float64(max(s.Steps, 1))
	frac := done / float64(s.Epochs)
	eta := "?"
	if frac > 0 {
		eta = (time.Duration(float64(s.Elapsed)*(1-frac)/frac) / time.Second * time.Second).String()
	}
	const width = 24
	bar := strings.Repeat("#", int(frac*width)) + strings.Repeat(".", width-int(frac*width))
	fmt.Fprintf(p.w, "\r[%s] epoch %d/%d loss %.4f%s ETA %s\x1b[K", bar, s.Epoch, s.Epochs, s.Loss, acc, eta)
	p.shown = true
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprintln(p.w)
	}
}
