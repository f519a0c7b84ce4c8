package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"z80lm/lm"
)

// This file holds all of the trainer's maths: the forward pass, the loss
// and the backward pass, as plain loops.
//
// The training forward pass is the Z80's integer program with two
// relaxations, both of which vanish once the network is fully quantized.
// For layer k with inputs x (In of them) and Out outputs:
//
//	u[i][o]  master weight, in units of the weight grid, kept in [-2.5, 1.5]
//	q[i][o]  = 0 if |u| < θ, else clamp(floor(u + ½), -2, +1)   the 2-bit weight the Z80 uses
//	           (θ ≥ ½ is the layer's dead zone, see zeroThreshold)
//	w[i][o]  = (1−α)·u + α·q                      α ramps from 0.5 to 1 (progressive quantization)
//	b[o]     master bias in accumulator units; the forward pass uses round(b)
//	acc[o]   = round(b[o]) + Σ_i w[i][o]·x[i]     layer 0: x = bucket count × 32
//	y[o]     = floor(acc[o] / 2^shift)
//	h[o]     = max(y[o], 0) on hidden layers; the last layer's y are the logits
//
// The weight grid's scale is the one the Z80 implies: activations are kept
// at their true integer size, so one grid unit is one unit of weight and the
// per-layer scale of the integer program is its shift. At α = 1 every
// quantity is an integer far below 2^24, so float32 holds it exactly: the
// training pass then IS the integer program, except that the Z80 wraps an
// accumulator outside int16, which the overflow penalty keeps from
// happening.
//
// Loss: L = −Σ_j r_j log softmax(τ·y_last)_j, the cross-entropy against
// the target smoothed by labelSmoothing (r = (1−ε)·onehot + ε/C), with
// τ = exp(t) a learned temperature. τ only sets how sharp the softmax is;
// the argmax, and so the model, does not depend on it.
//
// Backward, with straight-through estimators (d round(v)/dv = 1 and
// d floor(v)/dv = 1, so dq/du = 1 and dw/du = 1):
//
//	dL/dy_j   = τ·(p_j − r_j)                     last layer; p = softmax(τ·y)
//	dL/dt     = Σ_j (p_j − r_j)·τ·y_j
//	dL/dy_o   = dL/dh_o · [h_o > 0]               hidden layers (ReLU)
//	dL/dacc_o = dL/dy_o / 2^shift + dP/dacc_o     P: overflow penalty below
//	dL/db_o   = dL/dacc_o
//	dL/du_io  = dL/dw_io = x_i · dL/dacc_o
//	dL/dx_i   = Σ_o w_io · dL/dacc_o              = dL/dh_i of the layer below
//
// Overflow penalty on every accumulator (M = ovfMargin):
//
//	P = λ_ovf · relu(|acc| − M)² / (2M),  dP/dacc = λ_ovf · sign(acc) · relu(|acc| − M) / M
//
// Grid regulariser on the master weights (applied in the optimiser step):
//
//	R = λ_grid · (u − q)²,  dR/du = 2·λ_grid·(u − q)

const (
	wMin, wMax = -2.5, 1.5 // master weight range: rounds into -2..+1
	// wMinTernary is the lower end of the range when the weight -2 is not
	// used: -1.5 rounds to -1.
	wMinTernary = -1.5
	// ovfMargin is where the overflow penalty starts: half of int16, so
	// inputs unlike the training data still have room before a wrap.
	ovfMargin = 16384
	// labelSmoothing is the share ε of the target distribution spread
	// evenly over all classes: it keeps the logits' margins from growing
	// without end once a training example is right (held-out exact
	// match +0.6 points on two seeds, training exact 99.6% → 100%).
	labelSmoothing = 0.1
)

// A layer holds the trained parameters of one layer. Weights are stored
// input-major (u[i*out+o]) so that a sparse input touches whole rows.
type layer struct {
	in, out int
	shift   uint
	u       []float32
	b       []float32
	theta   float32 // dead zone: |u| < theta quantizes to 0 (≥ ½)
}

// A net is the trainable network: layers plus the loss temperature.
type net struct {
	layers []layer
	t      float32 // log τ
	lo     float32 // lower end of the master weights: wMin, or wMinTernary without -2
}

// newNet initialises a network with Gaussian master weights (σ = 0.7 grid
// units, so that -1, 0 and +1 are all common) and zero biases.
func newNet(sizes []int, shift uint, lo float32, rng *rand.Rand) *net {
	n := &net{lo: lo}
	for k := 0; k+1 < len(sizes); k++ {
		l := layer{in: sizes[k], out: sizes[k+1], shift: shift, theta: 0.5}
		l.u = make([]float32, l.in*l.out)
		for i := range l.u {
			l.u[i] = clip(float32(rng.NormFloat64()*0.7), lo, wMax)
		}
		l.b = make([]float32, l.out)
		n.layers = append(n.layers, l)
	}
	return n
}

// netFromModel starts training from a model's integer weights and biases.
func netFromModel(m *lm.Model, lo float32) (*net, error) {
	n := &net{lo: lo}
	for k, ml := range m.Layers {
		if ml.Bits != 2 {
			return nil, fmt.Errorf("layer %d has %d-bit weights; the trainer trains 2-bit layers only", k+1, ml.Bits)
		}
		l := layer{in: ml.In, out: ml.Out, shift: ml.Shift, u: make([]float32, ml.In*ml.Out), b: make([]float32, ml.Out), theta: 0.5}
		for o := 0; o < ml.Out; o++ {
			for i := 0; i < ml.In; i++ {
				l.u[i*l.out+o] = float32(ml.W[o*ml.In+i])
			}
			l.b[o] = float32(ml.B[o])
		}
		n.layers = append(n.layers, l)
	}
	return n, nil
}

func clip(v, lo, hi float32) float32 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// quant is the 2-bit weight of a master weight: 0 inside the dead zone
// |u| < theta, else clamp(round(u), -2, +1), rounding halves up (round(u)
// = floor(u + 0.5)); theta = ½ is plain rounding. It is the one definition
// used by the training pass, the optimiser and the exported model.
func quant(u, theta float32) float32 {
	if u > -theta && u < theta {
		return 0
	}
	// u + 2.5 ≥ 0 in the master range, where int32() truncation is floor
	q := float32(int32(u+2.5)) - 2
	if q > 1 {
		return 1
	}
	if q < -2 {
		return -2
	}
	return q
}

// roundBias is the int16 bias of a master bias.
func roundBias(b float32) float32 {
	return clip(float32(math.Round(float64(b))), math.MinInt16, math.MaxInt16)
}

// zeroThreshold returns the dead zone θ ≥ ½ under which a share of about
// zeros of the master weights u lies (|u| < θ): magnitude pruning, with
// the pruned weights still trained, so that one can grow back out of the
// dead zone. θ is the bin edge of a histogram of |u| (bins of 1/1024 grid
// unit) whose count below is nearest to the target; so where many weights
// share one magnitude (a resumed model's are whole numbers), θ does not
// jump past all of them for the sake of one. θ stays at most wMax: the
// weights that Adam has pushed to the end of the range (often most of a
// small layer) are not told apart by magnitude, and pruning them all would
// kill the layer.
func zeroThreshold(u []float32, zeros float64) float32 {
	const bins = 1024
	var hist [int(-wMin*bins) + 2]int32
	for _, x := range u {
		hist[int(abs32(x)*bins)]++
	}
	need := int64(math.Round(zeros * float64(len(u))))
	var below int64
	for b, n := range hist {
		if below+int64(n) > need {
			if below+int64(n)-need < need-below {
				b++ // the edge above is nearer
			}
			return min(max(0.5, float32(b)/bins), wMax)
		}
		below += int64(n)
	}
	return wMax
}

func floor32(v float32) float32 { return float32(math.Floor(float64(v))) }

// model exports the integer network: q and round(b).
func (n *net) model(charset []byte) *lm.Model {
	m := &lm.Model{Charset: charset}
	for _, l := range n.layers {
		ml := lm.Layer{In: l.in, Out: l.out, Bits: 2, Shift: l.shift, W: make([]int8, l.in*l.out), B: make([]int16, l.out)}
		for o := 0; o < l.out; o++ {
			for i := 0; i < l.in; i++ {
				ml.W[o*l.in+i] = int8(quant(l.u[i*l.out+o], l.theta))
			}
			ml.B[o] = int16(roundBias(l.b[o]))
		}
		m.Layers = append(m.Layers, ml)
	}
	return m
}

// A view is the network as the forward pass of one optimisation step sees
// it: effective weights w and rounded biases, computed once per step.
type view struct {
	w, b   [][]float32
	shift  []uint
	tau    float32
	smooth bool    // no rounding or floor: the surrogate the gradient check differentiates
	ovf    float32 // λ_ovf
}

func newView(n *net) *view {
	v := &view{}
	for _, l := range n.layers {
		v.w = append(v.w, make([]float32, len(l.u)))
		v.b = append(v.b, make([]float32, len(l.b)))
		v.shift = append(v.shift, l.shift)
	}
	return v
}

// set fills the view for mixing factor alpha.
func (v *view) set(n *net, alpha float32) {
	for k, l := range n.layers {
		w := v.w[k]
		for i, u := range l.u {
			w[i] = (1-alpha)*u + alpha*quant(u, l.theta)
		}
		b := v.b[k]
		for o, x := range l.b {
			if v.smooth {
				b[o] = x
			} else {
				b[o] = roundBias(x)
			}
		}
	}
	v.tau = float32(math.Exp(float64(n.t)))
}

// grads accumulates the gradients of one shard of a batch.
type grads struct {
	w, b    [][]float32
	t       float64
	loss    float64 // Σ cross-entropy
	penalty float64 // Σ overflow penalty
}

func newGrads(n *net) *grads {
	g := &grads{}
	for _, l := range n.layers {
		g.w = append(g.w, make([]float32, len(l.u)))
		g.b = append(g.b, make([]float32, len(l.b)))
	}
	return g
}

func (g *grads) zero() {
	for k := range g.w {
		clear(g.w[k])
		clear(g.b[k])
	}
	g.t, g.loss, g.penalty = 0, 0, 0
}

// A pass holds one goroutine's buffers for the forward and backward pass.
type pass struct {
	x0        []float32   // layer 0 input, dense but only the active entries are read
	idx       []int32     // active inputs of layer 0
	val       []int32     // their values
	acc, h, g [][]float32 // per layer: accumulators, outputs, dL/dh
	act       [][]int32   // per layer: outputs with h > 0 (hidden layers)
	gacc      []float32
	p         []float32 // softmax
}

func newPass(n *net) *pass {
	ps := &pass{x0: make([]float32, lm.InputSize)}
	widest := 0
	for _, l := range n.layers {
		ps.acc = append(ps.acc, make([]float32, l.out))
		ps.h = append(ps.h, make([]float32, l.out))
		ps.g = append(ps.g, make([]float32, l.out))
		ps.act = append(ps.act, make([]int32, 0, l.out))
		widest = max(widest, l.out)
	}
	ps.gacc = make([]float32, widest)
	ps.p = make([]float32, n.layers[len(n.layers)-1].out)
	return ps
}

// load sets the layer 0 input to example e.
func (ps *pass) load(ex *examples, e *example) {
	ps.idx, ps.val = ex.input(e, ps.idx[:0], ps.val[:0])
	ps.fill()
}

// loadTypo sets the layer 0 input to example e with, with probability p,
// a typo in its query (see typo); the draws are a hash of key.
func (ps *pass) loadTypo(ex *examples, e *example, p float64, key uint64) {
	r := stream(key)
	if float64(r.next()>>11) >= p*(1<<53) {
		ps.load(ex, e)
		return
	}
	q := typo(ex.pairs[e.pair].Input, &r)
	counts := lm.QueryCounts(q)
	ps.idx, ps.val = ps.idx[:0], ps.val[:0]
	for b, n := range counts {
		if n > 0 {
			ps.idx = append(ps.idx, int32(b))
			ps.val = append(ps.val, int32(min(n, 255))*lm.InputScale)
		}
	}
	ps.idx, ps.val = ex.contextInput(e, ps.idx, ps.val)
	ps.fill()
}

func (ps *pass) fill() {
	for j, i := range ps.idx {
		ps.x0[i] = float32(ps.val[j])
	}
}

// dropQuery leaves out each query bucket of the loaded input with
// probability p. The choice is a hash of (seed, step, example, bucket), so
// it does not depend on which goroutine handles the example.
func (ps *pass) dropQuery(p float64, seed, step, example uint64) {
	limit := uint64(p * (1 << 53))
	key := splitmix(splitmix(splitmix(seed)^step) ^ example)
	k := 0
	for j, i := range ps.idx {
		if i < lm.QueryBuckets && splitmix(key^uint64(i))>>11 < limit {
			continue
		}
		ps.idx[k], ps.val[k] = i, ps.val[j]
		k++
	}
	ps.idx, ps.val = ps.idx[:k], ps.val[:k]
}

// splitmix is the SplitMix64 finaliser: a well-mixed hash of x.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// forward runs the training pass on the loaded input; the logits end up in
// ps.h[last].
func (ps *pass) forward(v *view) {
	act, x := ps.idx, ps.x0
	last := len(v.w) - 1
	for k := range v.w {
		acc := ps.acc[k]
		n := len(acc)
		copy(acc, v.b[k])
		// acc[o] = round(b[o]) + Σ_i w[i][o]·x[i] over the non-zero x[i]
		for _, i := range act {
			xi := x[i]
			row := v.w[k][int(i)*n : int(i)*n+n]
			for o, w := range row {
				acc[o] += xi * w
			}
		}
		// y = floor(acc / 2^shift); h = max(y, 0) unless last
		inv := 1 / float32(int(1)<<v.shift[k])
		h, a := ps.h[k], ps.act[k][:0]
		for o, s := range acc {
			y := s * inv
			if !v.smooth {
				y = floor32(y)
			}
			if k < last {
				if y <= 0 {
					y = 0
				} else {
					a = append(a, int32(o))
				}
			}
			h[o] = y
		}
		ps.act[k] = a
		act, x = a, h
	}
}

// backward adds to g the gradients of the loss of the last forward pass
// (target class target), scaled by scale (1/batch size).
func (ps *pass) backward(v *view, g *grads, target int, scale float32) {
	last := len(v.w) - 1
	y := ps.h[last]
	// softmax of τ·y, cross-entropy, dL/dy and dL/dt
	best := argmax(y)
	var sum float64
	for j := range y {
		e := math.Exp(float64(v.tau * (y[j] - y[best])))
		ps.p[j] = float32(e)
		sum += e
	}
	// with the smoothed target distribution r_j = (1−ε)[j = target] + ε/C:
	// L = −Σ_j r_j log p_j = log Σ_j exp(τ(y_j − y_best)) − Σ_j r_j τ(y_j − y_best)
	const eps = labelSmoothing
	uniform := float32(eps / float64(len(y)))
	lse := math.Log(sum)
	for j := range y {
		rj := uniform
		if j == target {
			rj += 1 - eps
		}
		g.loss -= float64(rj) * (float64(v.tau*(y[j]-y[best])) - lse)
	}
	gy := ps.g[last]
	for j := range y {
		d := ps.p[j]/float32(sum) - uniform // dL/d(τy_j) = p_j − r_j
		if j == target {
			d -= 1 - eps
		}
		g.t += float64(d * v.tau * y[j] * scale)
		gy[j] = v.tau * d * scale
	}
	for k := last; k >= 0; k-- {
		acc, h, gh := ps.acc[k], ps.h[k], ps.g[k]
		n := len(acc)
		inv := 1 / float32(int(1)<<v.shift[k])
		// dL/dacc = dL/dy / 2^shift (ReLU-masked on hidden layers) + dP/dacc
		gacc := ps.gacc[:n]
		for o := range gacc {
			d := float32(0)
			if k == last || h[o] > 0 {
				d = gh[o] * inv
			}
			if a := acc[o]; a > ovfMargin || a < -ovfMargin {
				ex := abs32(a) - ovfMargin
				g.penalty += float64(v.ovf * ex * ex / (2 * ovfMargin))
				d += v.ovf * ex / ovfMargin * sign32(a) * scale
			}
			gacc[o] = d
		}
		gb := g.b[k]
		for o, d := range gacc {
			gb[o] += d
		}
		act, x := ps.idx, ps.x0
		if k > 0 {
			act, x = ps.act[k-1], ps.h[k-1]
		}
		gw, w := g.w[k], v.w[k]
		var gx []float32
		if k > 0 {
			gx = ps.g[k-1]
		}
		for _, i := range act {
			xi := x[i]
			grow := gw[int(i)*n : int(i)*n+n]
			wrow := w[int(i)*n : int(i)*n+n]
			s := float32(0)
			for o, d := range gacc {
				grow[o] += xi * d // dL/dw_io = x_i·dL/dacc_o
				s += wrow[o] * d  // dL/dx_i = Σ_o w_io·dL/dacc_o
			}
			if gx != nil {
				gx[i] = s
			}
		}
	}
}

// argmax returns the index of the first maximum, like lm.Argmax.
func argmax(v []float32) int {
	best := 0
	for j := range v {
		if v[j] > v[best] {
			best = j
		}
	}
	return best
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

func sign32(v float32) float32 {
	if v < 0 {
		return -1
	}
	return 1
}

// intNet is the integer program in the form that suits sparse inputs:
// weights input-major. Its logits equal lm's reference inference value by
// value (tested), wraps included.
type intNet struct {
	layers []intLayer
}

type intLayer struct {
	in, out int
	shift   uint
	w       []int8 // in×out, input-major
	b       []int16
}

func newIntNet(m *lm.Model) *intNet {
	in := &intNet{}
	for _, ml := range m.Layers {
		l := intLayer{in: ml.In, out: ml.Out, shift: ml.Shift, w: make([]int8, ml.In*ml.Out), b: ml.B}
		for o := 0; o < ml.Out; o++ {
			for i := 0; i < ml.In; i++ {
				l.w[i*l.out+o] = ml.W[o*ml.In+i]
			}
		}
		in.layers = append(in.layers, l)
	}
	return in
}

// intPass holds one goroutine's buffers for the integer program.
type intPass struct {
	acc [][]int32
	h   [][]int16
	act [][]int32
}

func newIntPass(n *intNet) *intPass {
	ps := &intPass{}
	for _, l := range n.layers {
		ps.acc = append(ps.acc, make([]int32, l.out))
		ps.h = append(ps.h, make([]int16, l.out))
		ps.act = append(ps.act, make([]int32, 0, l.out))
	}
	return ps
}

// forward runs the integer program on the non-zero inputs idx (values val)
// and returns the logits and the number of accumulators that left int16
// (and wrapped, as on the Z80: the sum is taken modulo 2^16, so summing in
// int32 and truncating gives the same value as wrapping at every step).
func (ps *intPass) forward(n *intNet, idx []int32, val []int32) (logits []int16, wraps int) {
	last := len(n.layers) - 1
	act := idx
	var x16 []int16
	for k := range n.layers {
		l := &n.layers[k]
		acc := ps.acc[k]
		for o, b := range l.b {
			acc[o] = int32(b)
		}
		for j, i := range act {
			var xi int32
			if k == 0 {
				xi = int32(int16(val[j]))
			} else {
				xi = int32(x16[i])
			}
			row := l.w[int(i)*l.out : int(i)*l.out+l.out]
			for o, w := range row {
				acc[o] += int32(w) * xi
			}
		}
		h, a := ps.h[k], ps.act[k][:0]
		for o, s := range acc {
			if s < math.MinInt16 || s > math.MaxInt16 {
				wraps++
			}
			y := int16(s) >> l.shift
			if k < last {
				if y <= 0 {
					y = 0
				} else {
					a = append(a, int32(o))
				}
			}
			h[o] = y
		}
		ps.act[k] = a
		act, x16 = a, h
	}
	return ps.h[last], wraps
}
