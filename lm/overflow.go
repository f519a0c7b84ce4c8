package lm

import (
	"fmt"
	"strings"
)

// NearLimit is the magnitude from which an accumulator counts as close to
// overflowing: within 10% of the int16 limits (0.9 × 32768 rounded up).
const NearLimit = 29492

// LayerOverflow counts, for one layer, what happened to its accumulators
// (acc = bias + Σ w·x, one per output per step).
//
// The Z80 adds in 16 bits, so the value it keeps is the exact sum modulo
// 2^16. An accumulator has Wrapped when its exact sum lies outside
// -32768..32767, i.e. when the 16-bit result differs from the exact one
// (this is what changes replies). Transient counts accumulators whose
// final sum fits but a partial sum — bias first, then inputs in index
// order — left the range on the way; modular arithmetic makes that
// harmless, and the count depends on the order the code adds in.
// Near counts sums that fit but have |acc| ≥ NearLimit.
type LayerOverflow struct {
	Accumulators int   // accumulators evaluated
	Wrapped      int   // exact sum outside the int16 range
	Near         int   // exact sum within 10% of a limit, not wrapped
	Transient    int   // a partial sum left the range, the final did not
	MaxAbs       int64 // largest |exact sum|
}

// An OverflowReport describes a model's accumulators over a data set.
type OverflowReport struct {
	Pairs, Steps int // query/reply pairs and network evaluations
	Layers       []LayerOverflow
}

// Overflow runs m over each query with teacher forcing — the context at
// each step is the expected reply so far, not the model's own output — for
// every character of the reply and the final EOS step (at most MaxReply
// steps), and counts accumulator overflows per layer. Each layer is fed the
// previous layer's 16-bit output, as on the Z80.
func Overflow(m *Model, queries, replies []string) (OverflowReport, error) {
	if len(queries) != len(replies) {
		return OverflowReport{}, fmt.Errorf("overflow report: %d queries but %d replies", len(queries), len(replies))
	}
	rep := OverflowReport{Pairs: len(queries), Layers: make([]LayerOverflow, len(m.Layers))}
	r := NewRunner(m)
	for q, query := range queries {
		reply := replies[q]
		r.Start(query)
		for t := 0; t <= len(reply) && t < MaxReply; t++ {
			r.Step()
			rep.Steps++
			in := r.X[:]
			for k := range m.Layers {
				rep.Layers[k].add(&m.Layers[k], in)
				in = r.Acts[k]
			}
			if t < len(reply) {
				r.Push(reply[t])
			}
		}
	}
	return rep, nil
}

// add evaluates layer l's exact sums on input x. It only observes: the
// outputs themselves come from Layer.Forward in Runner.Step.
func (s *LayerOverflow) add(l *Layer, x []int16) {
	for o := 0; o < l.Out; o++ {
		acc := int64(l.B[o])
		transient := false
		for i, w := range l.W[o*l.In : (o+1)*l.In] {
			acc += int64(w) * int64(x[i])
			if acc < -32768 || acc > 32767 {
				transient = true
			}
		}
		s.Accumulators++
		abs := acc
		if abs < 0 {
			abs = -abs
		}
		s.MaxAbs = max(s.MaxAbs, abs)
		switch {
		case acc < -32768 || acc > 32767:
			s.Wrapped++
		case abs >= NearLimit:
			s.Near++
			fallthrough
		default:
			if transient {
				s.Transient++
			}
		}
	}
}

// String formats the report as a small table.
func (r OverflowReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "overflow over %d pairs, %d steps (teacher forcing)\n", r.Pairs, r.Steps)
	fmt.Fprintf(&b, "%-6s %12s %9s %9s %9s %8s\n", "layer", "accumulators", "wrapped", "near", "transient", "max|acc|")
	for k, l := range r.Layers {
		fmt.Fprintf(&b, "%-6d %12d %9d %9d %9d %8d\n", k+1, l.Accumulators, l.Wrapped, l.Near, l.Transient, l.MaxAbs)
	}
	return b.String()
}
