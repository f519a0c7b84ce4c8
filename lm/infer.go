package lm

// Forward computes one layer exactly as the Z80 does: a wrapping 16-bit
// accumulator, an arithmetic (floor) shift, and ReLU unless last is set.
// out must have room for l.Out values.
//
// Inputs are sparse (a query touches a few dozen of the 256 buckets, and
// ReLU zeroes many hidden values), so the sum runs over the non-zero inputs
// only; a 16-bit sum modulo 2^16 does not depend on the order of its terms.
func (l *Layer) Forward(x []int16, out []int16, last bool) {
	var buf [InputSize]int32
	nz := buf[:0]
	for i, v := range x[:l.In] {
		if v != 0 {
			nz = append(nz, int32(i))
		}
	}
	for o := 0; o < l.Out; o++ {
		acc := l.B[o]
		row := l.W[o*l.In : (o+1)*l.In]
		for _, i := range nz {
			acc += int16(row[i]) * x[i] // int16 arithmetic wraps like the Z80's
		}
		acc >>= l.Shift // Go's >> on a signed integer is arithmetic
		if !last && acc < 0 {
			acc = 0
		}
		out[o] = acc
	}
}

// Argmax returns the index of the first maximum, compared as signed 16-bit.
func Argmax(v []int16) int {
	best := 0
	for i := 1; i < len(v); i++ {
		if v[i] > v[best] {
			best = i
		}
	}
	return best
}

// A Runner evaluates a model step by step, keeping every layer's output so
// that callers (tests, the overflow report, the code generator's checks)
// can look inside.
type Runner struct {
	M    *Model
	X    Input     // current input vector
	Acts [][]int16 // Acts[k] = output of layer k; the last is the logits
	ctx  ContextEncoder
}

// NewRunner allocates the buffers for m.
func NewRunner(m *Model) *Runner {
	r := &Runner{M: m, Acts: make([][]int16, len(m.Layers))}
	for k, l := range m.Layers {
		r.Acts[k] = make([]int16, l.Out)
	}
	return r
}

// Start encodes a new query and an empty context.
func (r *Runner) Start(query string) {
	EncodeQuery(query, &r.X)
	r.ctx.Reset()
	r.ctx.Encode(&r.X)
}

// Step runs the network on the current input and returns the chosen
// output index.
func (r *Runner) Step() int {
	in := r.X[:]
	for k := range r.M.Layers {
		l := &r.M.Layers[k]
		l.Forward(in, r.Acts[k], k == len(r.M.Layers)-1)
		in = r.Acts[k]
	}
	return Argmax(r.Acts[len(r.Acts)-1])
}

// Push appends a generated character to the context.
func (r *Runner) Push(c byte) {
	r.ctx.Push(c)
	r.ctx.Encode(&r.X)
}

// Reply generates the model's reply to query: one character per step until
// EOS or MaxReply characters. trace, if not nil, is called after every step
// (including the final EOS step) with the step number and the chosen index.
func (r *Runner) Reply(query string, trace func(step, idx int)) string {
	r.Start(query)
	var out []byte
	for step := 0; step < MaxReply; step++ {
		idx := r.Step()
		if trace != nil {
			trace(step, idx)
		}
		if idx == r.M.EOSIndex() {
			break
		}
		c := r.M.Charset[idx]
		out = append(out, c)
		r.Push(c)
	}
	return string(out)
}

// Reply is a convenience for one-off replies.
func (m *Model) Reply(query string) string {
	return NewRunner(m).Reply(query, nil)
}
