// Package train is z80lm's quantization-aware trainer. It trains the
// integer program that the Z80 runs (see net.go for the maths): 2-bit
// weights, int16 biases, inputs of count × 32, a floor shift per layer and
// ReLU, so that the integer accuracy it reports is the accuracy of the .COM.
//
// A run: the pairs are split (--val, see splitVal) and every reply
// position of a training pair becomes one sparse example (about 30 non-zero
// inputs). Mini-batches of 64 go through the training pass and its
// straight-through backward pass, and Adam updates float master weights.
// Progressive quantization mixes them with their 2-bit values, w =
// (1−α)u + αq, α rising from 0.5 to 1 over the first 80% of the steps; the
// rest refines the fully quantized net while the learning rate decays.
// Also: a weak pull of u towards the grid, a penalty on accumulators beyond
// ±16384, query-trigram dropout and typo augmentation (random typing
// mistakes in the queries, drawn afresh at each step: unseen phrasings and
// typo variants come out right more often) and label smoothing.
//
// Sparsity: the Z80's fast kernels walk the non-zero weights, so each
// layer gets a dead zone θ (|u| < θ quantizes to 0) that rises, by
// gradual magnitude pruning, until Config.Zeros of its weights (default
// 75%) are zero halfway through the run. Weights are ternary (-1, 0, +1)
// unless Config.Minus2 allows -2.
//
// After each epoch the training pass and the exact integer program are
// scored on all training examples, and the held-out pairs by whole-reply
// exact match; the model kept is the best epoch by integer accuracy among
// those without a wrapped accumulator that reached the zero share.
//
// Each batch is cut into a fixed number of shards that goroutines process
// in parallel; the shards' gradients are summed in shard order, so a run
// depends on its seed only, not on the number of cores or on scheduling.
package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"

	"z80lm/lm"
)

// Config sets up a training run. Zero fields take the defaults.
type Config struct {
	Hidden []int   // hidden layer widths (1..256 each); default 256,192,128
	Shift  uint    // accumulator shift of every layer; default 2 (v1)
	Epochs int     // default 30
	Seed   uint64  // weight initialisation, shuffling and the validation split
	Val    float64 // share of distinct inputs held out, 0 ≤ Val < 1
	Batch  int     // examples per optimisation step; default 64
	LR     float64 // Adam step size for weights in grid units; default 0.03

	// Dropout is the probability with which each query trigram bucket of
	// a training example is left out at each step (default 0.1; negative:
	// none). Typos and paraphrases change a few trigrams of a query, so
	// this teaches the net not to rely on any single one.
	Dropout float64

	// Zeros is the share of zero weights each layer must have once
	// quantization is complete (default 0.75; negative: no target). The
	// Z80's fast kernels walk the non-zero weights, so it sets speed and
	// size; pruning also regularises. See zeroThreshold.
	Zeros float64

	// Minus2 allows the weight -2. Without it the weights are ternary
	// (-1, 0, +1): a -2 costs the Z80 a doubling, and with a zero target
	// the dead zone, measured on |u|, would keep mostly -2s (the master
	// range reaches -2.5 but only +1.5), which held out worse (chat:
	// 57.1% against 62.2% exact).
	Minus2 bool

	// Typos is the probability with which the query of a training example
	// gets a random typing mistake at each step (default 0.5; negative:
	// never); see typo.
	Typos float64

	// Resume continues from this model (its layer sizes and charset;
	// Hidden is ignored; a model with a weight -2 keeps Minus2 on). The
	// run starts fully quantized.
	Resume *lm.Model

	// Progress, if set, is called from the training goroutine during
	// every epoch and after it.
	Progress func(Progress)
}

// Progress is a snapshot of a running training.
type Progress struct {
	Epoch, Epochs int // epoch being run, 1-based
	Step, Steps   int // optimisation step within the epoch
	Loss          float64
	Last          *Epoch // last completed epoch, nil before the first
	Elapsed       time.Duration
	EpochDone     bool
}

// Epoch records the state after one epoch.
type Epoch struct {
	Epoch    int       `json:"epoch"`
	Loss     float64   `json:"loss"`                // mean cross-entropy of the epoch's steps
	FloatAcc float64   `json:"float_acc"`           // training pass (current α) on the training examples
	IntAcc   float64   `json:"int_acc"`             // integer program on the training examples
	Wraps    int       `json:"wraps"`               // accumulators outside int16 in the integer pass
	Alpha    float64   `json:"alpha"`               // α of w = (1−α)u + αq (1 = fully quantized)
	Zeros    []float64 `json:"zeros"`               // share of zero weights per layer
	ExactVal *float64  `json:"exact_val,omitempty"` // whole-reply exact match on the held-out pairs
	Seconds  float64   `json:"seconds"`             // since the start of training
}

// Result is the outcome of Train.
type Result struct {
	Model       *lm.Model // best epoch by integer accuracy (among those without wraps)
	BestEpoch   int
	FloatAcc    float64 // of the best epoch
	IntAcc      float64
	ExactTrain  float64   // share of training pairs whose whole reply lm's inference reproduces
	ExactVal    *float64  // the same for held-out pairs; nil without --val
	Zeros       []float64 // share of zero weights per layer
	Seconds     float64
	Params      int
	History     []Epoch
	TrainPairs  int
	ValPairs    int
	Examples    int // training examples (reply positions)
	Inputs      int // distinct training inputs
	Interrupted bool
}

// SecondsTo returns the training time when the integer accuracy first
// reached acc, and false if it never did.
func (r *Result) SecondsTo(acc float64) (float64, bool) {
	for _, e := range r.History {
		if e.IntAcc >= acc {
			return e.Seconds, true
		}
	}
	return 0, false
}

// Training schedule constants.
const (
	shards      = 4    // fixed, so results do not depend on the core count
	alphaStart  = 0.5  // α at the start: never pure float
	quantizedBy = 0.8  // fully quantized after this share of the steps
	prunedBy    = 0.5  // the zero share reaches its target after this share of the steps
	lambdaGrid  = 1e-5 // grid regulariser strength once fully quantized (see below)
	lambdaOvf   = 1.0  // overflow penalty strength
	biasLRScale = 32   // bias step = weight step × 32 (one input count)
	tempLR      = 0.01 // step size of the log-temperature
	lrFloor     = 0.05 // the learning rate decays (cosine) to this share
)

// About lambdaGrid: Adam divides each step by the gradient's running RMS,
// and the cross-entropy gradient of one weight is tiny (~1e-4), so a grid
// pull of 2λ(u−q) with λ = 0.01 swamped it and training stalled at 74% on
// the chat data (λ = 1e-3: 90%). λ = 1e-5 only nudges the weights that the
// data does not care about onto the grid; against λ = 0 the difference is
// within run-to-run noise.

// Train trains a model on pairs. When ctx is cancelled it stops after the
// current step and returns the best model so far (Interrupted set).
func Train(ctx context.Context, pairs []Pair, cfg Config) (*Result, error) {
	start := time.Now()
	if err := defaults(&cfg); err != nil {
		return nil, err
	}
	if len(pairs) == 0 {
		return nil, errors.New("no training pairs")
	}
	for i, p := range pairs {
		for j := 0; j < len(p.Response); j++ {
			if c := p.Response[j]; c < 0x20 || c > 0x7e {
				return nil, fmt.Errorf("pair %d: response %q has byte 0x%02X at position %d; replies must be printable ASCII", i+1, p.Response, c, j+1)
			}
		}
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x747261696e)) // "train"

	var charset []byte
	var n *net
	lo := float32(wMinTernary)
	if cfg.Minus2 || (cfg.Resume != nil && usesMinus2(cfg.Resume)) {
		lo = wMin
	}
	alpha0 := alphaStart
	if cfg.Resume != nil {
		if err := cfg.Resume.Validate(); err != nil {
			return nil, fmt.Errorf("resume model: %v", err)
		}
		charset = cfg.Resume.Charset
		var err error
		if n, err = netFromModel(cfg.Resume, lo); err != nil {
			return nil, fmt.Errorf("resume model: %v", err)
		}
		alpha0 = 1
	} else {
		resps := make([]string, len(pairs))
		for i, p := range pairs {
			resps[i] = p.Response
		}
		charset = lm.BuildCharset(resps)
		if len(charset) < 2 {
			return nil, errors.New("every response is empty: nothing to learn")
		}
		sizes := append(append([]int{lm.InputSize}, cfg.Hidden...), len(charset))
		n = newNet(sizes, cfg.Shift, lo, rng)
	}

	trainIdx, valIdx := splitVal(pairs, cfg.Val, cfg.Seed)
	if len(trainIdx) == 0 {
		return nil, errors.New("no training pairs left after holding out the validation share")
	}
	trainPairs := pick(pairs, trainIdx)
	ex, err := buildExamples(trainPairs, charset)
	if err != nil {
		return nil, err
	}

	t := &trainer{cfg: cfg, n: n, ex: ex, val: pick(pairs, valIdx), charset: charset, rng: rng, alpha0: alpha0}
	t.init()
	t.initTemperature()
	res := &Result{TrainPairs: len(trainPairs), ValPairs: len(valIdx), Examples: len(ex.list), Inputs: ex.nInput}
	steps := (len(ex.list) + cfg.Batch - 1) / cfg.Batch
	t.total = steps * cfg.Epochs
	best := -1 // index into res.History
	for epoch := 1; epoch <= cfg.Epochs && !res.Interrupted; epoch++ {
		var last *Epoch
		if len(res.History) > 0 {
			last = &res.History[len(res.History)-1]
		}
		loss, done := t.epoch(ctx, epoch, start, last)
		if !done {
			res.Interrupted = true
			if best >= 0 {
				break // keep the best completed epoch
			}
		}
		e := t.evaluate(epoch, loss, start)
		res.History = append(res.History, e)
		if best < 0 || better(e, res.History[best], cfg.Zeros) {
			best = len(res.History) - 1
			res.Model = n.model(charset)
		}
		if cfg.Progress != nil {
			cfg.Progress(Progress{Epoch: epoch, Epochs: cfg.Epochs, Step: steps, Steps: steps, Loss: loss, Last: &e, Elapsed: time.Since(start), EpochDone: true})
		}
	}
	b := res.History[best]
	res.BestEpoch, res.FloatAcc, res.IntAcc = b.Epoch, b.FloatAcc, b.IntAcc
	res.Params = res.Model.Params()
	res.Model.Meta = lm.Meta{Epochs: b.Epoch, Seed: int64(cfg.Seed), Source: "z80lm train",
		Metrics: map[string]float64{"float_acc": b.FloatAcc, "int_acc": b.IntAcc}}
	res.ExactTrain = exactMatch(res.Model, trainPairs)
	res.ExactVal, res.Zeros = b.ExactVal, b.Zeros
	// The model carries its own figures, so that a shipped model says
	// how well it did without the report beside it.
	res.Model.Meta.Metrics["exact_train"] = res.ExactTrain
	if res.ExactVal != nil {
		res.Model.Meta.Metrics["exact_val"] = *res.ExactVal
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// usesMinus2 reports whether some weight of m is -2.
func usesMinus2(m *lm.Model) bool {
	for _, s := range WeightShares(m) {
		if s[0] > 0 {
			return true
		}
	}
	return false
}

// better orders epochs: no wraps first, then the zero share reached
// (within half a point of zeros in every layer), then integer accuracy; a
// tie goes to the later epoch, trained longer at a lower learning rate.
func better(e, best Epoch, zeros float64) bool {
	if (e.Wraps == 0) != (best.Wraps == 0) {
		return e.Wraps == 0
	}
	sparse := func(e Epoch) bool { return slices.Min(e.Zeros) >= zeros-0.005 }
	if sparse(e) != sparse(best) {
		return sparse(e)
	}
	return e.IntAcc >= best.IntAcc
}

func defaults(cfg *Config) error {
	if cfg.Hidden == nil {
		cfg.Hidden = []int{256, 192, 128}
	}
	if cfg.Resume == nil {
		if len(cfg.Hidden) == 0 {
			return errors.New("at least one hidden layer is needed")
		}
		for _, h := range cfg.Hidden {
			if h < 1 || h > 256 {
				return fmt.Errorf("hidden layer width %d: must be 1..256", h)
			}
		}
	}
	if cfg.Shift == 0 {
		cfg.Shift = 2
	}
	if cfg.Shift > 15 {
		return fmt.Errorf("shift %d: must be 0..15", cfg.Shift)
	}
	if cfg.Epochs == 0 {
		cfg.Epochs = 30
	}
	if cfg.Epochs < 1 {
		return fmt.Errorf("epochs %d: must be at least 1", cfg.Epochs)
	}
	if cfg.Batch == 0 {
		cfg.Batch = 64
	}
	if cfg.Batch < 1 {
		return fmt.Errorf("batch %d: must be at least 1", cfg.Batch)
	}
	for _, o := range []struct {
		v       *float64
		def     float64
		name    string
		upToOne bool // 1 itself is allowed
	}{
		{&cfg.Dropout, 0.1, "dropout", false},
		{&cfg.Zeros, 0.75, "zero share", false},
		{&cfg.Typos, 0.5, "typo probability", true},
	} {
		switch { // 0 asks for the default, a negative value for none
		case *o.v == 0:
			*o.v = o.def
		case *o.v < 0:
			*o.v = 0
		case o.upToOne && *o.v > 1:
			return fmt.Errorf("%s %g: must be at most 1", o.name, *o.v)
		case !o.upToOne && *o.v >= 1:
			return fmt.Errorf("%s %g: must be below 1", o.name, *o.v)
		}
	}
	if cfg.LR == 0 {
		cfg.LR = 0.03
	}
	if !(cfg.LR > 0) {
		return fmt.Errorf("learning rate %g: must be positive", cfg.LR)
	}
	if !(cfg.Val >= 0 && cfg.Val < 1) {
		return fmt.Errorf("validation share %g: must be at least 0 and below 1", cfg.Val)
	}
	return nil
}

func pick(pairs []Pair, idx []int) []Pair {
	out := make([]Pair, len(idx))
	for i, j := range idx {
		out[i] = pairs[j]
	}
	return out
}

// trainer holds the state of one run.
type trainer struct {
	cfg     Config
	n       *net
	ex      *examples
	val     []Pair // held out
	charset []byte
	rng     *rand.Rand
	alpha0  float64

	v      *view
	passes []*pass
	grads  []*grads
	opt    adam
	order  []int32
	step   int // global optimisation step
	total  int // steps in the whole run
}

func (t *trainer) init() {
	t.v = newView(t.n)
	t.v.ovf = lambdaOvf
	for range shards {
		t.passes = append(t.passes, newPass(t.n))
		t.grads = append(t.grads, newGrads(t.n))
	}
	t.opt = newAdam(t.n)
	t.order = make([]int32, len(t.ex.list))
	for i := range t.order {
		t.order[i] = int32(i)
	}
}

// initTemperature sets τ so that the initial logits have a standard
// deviation of about 1 after scaling.
func (t *trainer) initTemperature() {
	t.v.set(t.n, float32(t.alpha0))
	ps := t.passes[0]
	var s, s2 float64
	cnt := 0
	for i := 0; i < len(t.ex.list) && i < 256; i++ {
		ps.load(t.ex, &t.ex.list[i])
		ps.forward(t.v)
		for _, y := range ps.h[len(ps.h)-1] {
			s += float64(y)
			s2 += float64(y) * float64(y)
			cnt++
		}
	}
	mean := s / float64(cnt)
	sd := math.Sqrt(max(s2/float64(cnt)-mean*mean, 1))
	t.n.t = float32(-math.Log(sd))
	t.v.tau = float32(1 / sd)
}

// schedule returns the quantized share α, the grid regulariser strength
// and the learning-rate factor at the current step.
func (t *trainer) schedule() (alpha, grid, lr float64) {
	p := float64(t.step) / float64(max(t.total, 1))
	ramp := min(1, p/quantizedBy)
	alpha = t.alpha0 + (1-t.alpha0)*ramp
	grid = lambdaGrid * ramp
	lr = lrFloor + (1-lrFloor)*0.5*(1+math.Cos(math.Pi*p))
	return alpha, grid, lr
}

// prune sets each layer's dead zone θ for the coming step so that the
// share of zero weights follows zeroTarget. θ is found on the weights
// before the step's update, so the share after it can be off by the few
// weights that one step moves across θ.
func (t *trainer) prune() {
	z := t.zeroTarget()
	if z <= 0 {
		return
	}
	var wg sync.WaitGroup
	for k := range t.n.layers {
		l := &t.n.layers[k]
		wg.Go(func() { l.theta = zeroThreshold(l.u, z) })
	}
	wg.Wait()
}

// zeroTarget is the share of zero weights at the current step: it rises
// as Zeros·(1 − (1 − r)³) with r going from 0 to 1 as quantization
// completes (fast while the weights are still partly float, gently at the
// end, as in gradual magnitude pruning), then stays at Zeros.
func (t *trainer) zeroTarget() float64 {
	if t.cfg.Zeros <= 0 {
		return 0
	}
	p := float64(t.step) / float64(max(t.total, 1))
	r := min(1, p/prunedBy)
	return t.cfg.Zeros * (1 - (1-r)*(1-r)*(1-r))
}

// epoch runs one pass over the shuffled training examples and returns the
// mean loss, and false if ctx was cancelled before the end.
func (t *trainer) epoch(ctx context.Context, epoch int, start time.Time, last *Epoch) (float64, bool) {
	t.rng.Shuffle(len(t.order), func(i, j int) { t.order[i], t.order[j] = t.order[j], t.order[i] })
	B := t.cfg.Batch
	steps := (len(t.order) + B - 1) / B
	var loss float64
	seen := 0
	for s := range steps {
		if ctx.Err() != nil {
			return loss / float64(max(seen, 1)), false
		}
		batch := t.order[s*B : min((s+1)*B, len(t.order))]
		_, grid, lr := t.schedule()
		t.batch(batch) // with the view set for this step's α
		for _, g := range t.grads {
			loss += g.loss
		}
		seen += len(batch)
		t.step++
		alpha, _, _ := t.schedule()
		t.prune()
		t.opt.step(t.n, t.grads, t.cfg.LR*lr, grid, t.v, float32(alpha))
		if t.cfg.Progress != nil && (s%16 == 0 || s == steps-1) {
			t.cfg.Progress(Progress{Epoch: epoch, Epochs: t.cfg.Epochs, Step: s + 1, Steps: steps, Loss: loss / float64(seen), Last: last, Elapsed: time.Since(start)})
		}
	}
	return loss / float64(seen), true
}

// batch computes the gradient of one batch in shards: shard j takes the
// j-th contiguous slice into t.grads[j].
func (t *trainer) batch(batch []int32) {
	scale := 1 / float32(len(batch))
	var wg sync.WaitGroup
	per := (len(batch) + shards - 1) / shards
	for j := range shards {
		lo, hi := min(j*per, len(batch)), min((j+1)*per, len(batch))
		wg.Go(func() {
			g, ps := t.grads[j], t.passes[j]
			g.zero()
			for _, e := range batch[lo:hi] {
				ex := &t.ex.list[e]
				ps.loadTypo(t.ex, ex, t.cfg.Typos, splitmix(splitmix(splitmix(t.cfg.Seed^0x7479706f)^uint64(t.step))^uint64(e)))
				if t.cfg.Dropout > 0 {
					ps.dropQuery(t.cfg.Dropout, t.cfg.Seed, uint64(t.step), uint64(e))
				}
				ps.forward(t.v)
				ps.backward(t.v, g, int(ex.target), scale)
			}
		})
	}
	wg.Wait()
}

// evaluate measures the training pass (at the current α) and the integer
// program on all training examples.
func (t *trainer) evaluate(epoch int, loss float64, start time.Time) Epoch {
	alpha, _, _ := t.schedule()
	t.v.set(t.n, float32(alpha))
	m := t.n.model(t.charset)
	in := newIntNet(m)
	list := t.ex.list
	var fc, ic, wr [shards]int
	per := (len(list) + shards - 1) / shards
	var wg sync.WaitGroup
	for j := range shards {
		lo, hi := min(j*per, len(list)), min((j+1)*per, len(list))
		wg.Go(func() {
			ps, ip := t.passes[j], newIntPass(in)
			for i := lo; i < hi; i++ {
				e := &list[i]
				ps.load(t.ex, e)
				ps.forward(t.v)
				if argmax(ps.h[len(ps.h)-1]) == int(e.target) {
					fc[j]++
				}
				logits, w := ip.forward(in, ps.idx, ps.val)
				wr[j] += w
				if lm.Argmax(logits) == int(e.target) {
					ic[j]++
				}
			}
		})
	}
	wg.Wait()
	e := Epoch{Epoch: epoch, Loss: loss, Alpha: alpha, Zeros: zeroShares(m)}
	if len(t.val) > 0 {
		v := exactMatch(m, t.val)
		e.ExactVal = &v
	}
	e.Seconds = time.Since(start).Seconds()
	for j := range shards {
		e.FloatAcc += float64(fc[j])
		e.IntAcc += float64(ic[j])
		e.Wraps += wr[j]
	}
	e.FloatAcc /= float64(len(list))
	e.IntAcc /= float64(len(list))
	return e
}

// zeroShares returns the share of zero weights of each layer of m.
func zeroShares(m *lm.Model) []float64 {
	z := make([]float64, len(m.Layers))
	for k, s := range WeightShares(m) {
		z[k] = s[2]
	}
	return z
}

// WeightShares returns, for each layer of a 2-bit model, the shares of its
// weights that are -2, -1, 0 and +1.
func WeightShares(m *lm.Model) [][4]float64 {
	out := make([][4]float64, len(m.Layers))
	for k, l := range m.Layers {
		var n [4]int
		for _, w := range l.W {
			if w >= -2 && w <= 1 {
				n[w+2]++
			}
		}
		for i := range n {
			out[k][i] = float64(n[i]) / float64(len(l.W))
		}
	}
	return out
}

// exactMatch is the share of pairs whose reply lm's reference inference
// reproduces exactly, computed on all cores.
func exactMatch(m *lm.Model, pairs []Pair) float64 {
	workers := runtime.GOMAXPROCS(0)
	hits := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := lm.NewRunner(m)
			for i := w; i < len(pairs); i += workers {
				if r.Reply(pairs[i].Input, nil) == pairs[i].Response {
					hits[w]++
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for _, h := range hits {
		total += h
	}
	return float64(total) / float64(len(pairs))
}

// adam is the Adam optimiser (β1 0.9, β2 0.999) over all parameters.
type adam struct {
	mw, vw, mb, vb [][]float32
	mt, vt         float64
	t              int
}

func newAdam(n *net) adam {
	var a adam
	for _, l := range n.layers {
		a.mw = append(a.mw, make([]float32, len(l.u)))
		a.vw = append(a.vw, make([]float32, len(l.u)))
		a.mb = append(a.mb, make([]float32, len(l.b)))
		a.vb = append(a.vb, make([]float32, len(l.b)))
	}
	return a
}

const (
	beta1, beta2 = 0.9, 0.999
	adamEps      = 1e-8
)

// step applies one Adam update from the shard gradients gs, summed in
// shard order: to the weights with step size lr (their gradient plus the
// grid regulariser's 2·grid·(u − q)), to the biases with lr×biasLRScale
// and to the log-temperature with tempLR. It then refreshes v for the next
// step's alpha. The weights are cut into chunks that goroutines update in
// parallel; each weight's arithmetic is the same whichever goroutine does
// it, so the result does not depend on scheduling.
func (a *adam) step(n *net, gs []*grads, lr, grid float64, v *view, alpha float32) {
	a.t++
	c1 := 1 - math.Pow(beta1, float64(a.t))
	c2 := 1 - math.Pow(beta2, float64(a.t))
	sw := float32(lr * math.Sqrt(c2) / c1)
	sb := sw * biasLRScale
	const chunk = 8192
	var wg sync.WaitGroup
	for k := range n.layers {
		u, m, s2, w, theta := n.layers[k].u, a.mw[k], a.vw[k], v.w[k], n.layers[k].theta
		for lo := 0; lo < len(u); lo += chunk {
			hi := min(lo+chunk, len(u))
			wg.Go(func() {
				var g [shards][]float32
				for j := range g {
					g[j] = gs[j].w[k][lo:hi]
				}
				u, m, s2, w := u[lo:hi], m[lo:hi], s2[lo:hi], w[lo:hi]
				for i := range u {
					d := float32(2*grid) * (u[i] - quant(u[i], theta))
					for j := range g {
						d += g[j][i]
					}
					m[i] = beta1*m[i] + (1-beta1)*d
					s2[i] = beta2*s2[i] + (1-beta2)*d*d
					u[i] = clip(u[i]-sw*m[i]/(sqrt32(s2[i])+adamEps), n.lo, wMax)
					w[i] = (1-alpha)*u[i] + alpha*quant(u[i], theta) // as view.set
				}
			})
		}
	}
	for k := range n.layers {
		b, m, s2 := n.layers[k].b, a.mb[k], a.vb[k]
		for o := range b {
			var d float32
			for _, g := range gs {
				d += g.b[k][o]
			}
			m[o] = beta1*m[o] + (1-beta1)*d
			s2[o] = beta2*s2[o] + (1-beta2)*d*d
			b[o] = clip(b[o]-sb*m[o]/(sqrt32(s2[o])+adamEps), math.MinInt16, math.MaxInt16)
			v.b[k][o] = roundBias(b[o])
		}
	}
	var dt float64
	for _, g := range gs {
		dt += g.t
	}
	a.mt = beta1*a.mt + (1-beta1)*dt
	a.vt = beta2*a.vt + (1-beta2)*dt*dt
	n.t -= float32(tempLR * math.Sqrt(c2) / c1 * a.mt / (math.Sqrt(a.vt) + adamEps))
	v.tau = float32(math.Exp(float64(n.t)))
	wg.Wait()
}

func sqrt32(v float32) float32 { return float32(math.Sqrt(float64(v))) }
