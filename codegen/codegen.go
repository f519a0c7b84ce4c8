// Package codegen compiles a model into a CP/M 2.2 .COM program: the Z80
// runtime (start-up, chat loop, encoders, layer kernels, argmax; embedded
// .asm files) plus the model's tables as generated assembly, assembled by
// package asm. The program computes exactly what package lm computes.
package codegen

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"z80lm/asm"
	"z80lm/lm"
)

//go:embed runtime.asm
var runtimeAsm string

//go:embed kernels.asm
var kernelsAsm string

// Memory limits of the 64K CP/M 2.2 system the program must fit (the
// DESIGN.md layout: BDOS entry E406h, so the TPA is 0100h..E405h).
const (
	Org       = 0x0100
	TPAEnd    = 0xE406 // first byte above the TPA
	StackSize = 128    // private stack; the BDOS switches to its own
)

// A Kernel is the way one layer is computed.
type Kernel int

const (
	// Auto picks, per layer, the fastest kernel that lets the program fit.
	Auto Kernel = iota
	// Compact walks 2-bit packed row-major weights: small and slow.
	Compact
	// Scatter walks column-major index lists of the non-zero weights for
	// the non-zero inputs only: fast and larger.
	Scatter
)

var kernelNames = []string{"auto", "compact", "fast"}

func (k Kernel) String() string { return kernelNames[k] }

// ParseKernel reads a --kernel value: auto, compact or fast.
func ParseKernel(s string) (Kernel, error) {
	for i, n := range kernelNames {
		if s == n {
			return Kernel(i), nil
		}
	}
	return 0, fmt.Errorf("unknown kernel %q (want auto, compact or fast)", s)
}

// Options control a build.
type Options struct {
	Kernel Kernel // for every layer; Auto chooses per layer
}

// A Program is a compiled model.
type Program struct {
	Source  []byte         // the complete assembly source
	COM     []byte         // the .COM image, loaded at 0100h
	Symbols map[string]int // labels and equates (hook points, tables)
	Kernels []Kernel       // the kernel of each layer
	End     int            // first byte above the program's data and stack
	// Model is the network as compiled: the model given to Build with the
	// units of each hidden layer in the order of the program's tables (see
	// biasOrder) and sentinel units (see withSentinels). It computes the
	// same logits.
	Model *lm.Model
	// AutoNote says why auto did not use the fast kernel everywhere ("" if
	// it did or was not asked to choose).
	AutoNote  string
	asm       *asm.Program
	sentinels []bool // see withSentinels
}

// Fused says whether the finaliser of layer k (from 0) adds its non-zero
// outputs' columns of layer k+1 itself: then the program's part for layer
// k+1 (label layer<k+2>) includes layer k's shift and ReLU.
func (p *Program) Fused(k int) bool { return fused(p.Kernels, k) }

// fused is the rule behind Fused: layer k+1 has the fast kernel.
func fused(kernels []Kernel, k int) bool { return k+1 < len(kernels) && kernels[k+1] == Scatter }

// finFused says whether layer k's finaliser is fin_fuse (see finFuse): it
// is fused, and it is not layer 1 counting its context half (ctxCounts).
func finFused(kernels []Kernel, k int) bool {
	return fused(kernels, k) && !(k == 0 && kernels[0] == Scatter)
}

// generator returns a generator for p's model and kernels (the tests look
// up the names it gives).
func (p *Program) generator() *generator {
	return &generator{m: p.Model, kernels: p.Kernels, sentinels: p.sentinels}
}

// Listing is the assembler listing of Source.
func (p *Program) Listing() []byte { return p.asm.Listing() }

// Build compiles m.
func Build(m *lm.Model, opt Options) (*Program, error) {
	if err := check(m); err != nil {
		return nil, err
	}
	m = biasOrder(m)
	n := len(m.Layers)
	kernels := make([]Kernel, n)
	for k := range kernels {
		switch {
		case opt.Kernel == Compact:
			kernels[k] = Compact
		case scatterable(&m.Layers[k]) == nil:
			kernels[k] = Scatter
		case opt.Kernel == Scatter:
			return nil, fmt.Errorf("layer %d cannot use the fast kernel: %v", k+1, scatterable(&m.Layers[k]))
		default:
			kernels[k] = Compact
		}
	}
	end, err := size(m, kernels)
	if err != nil {
		return nil, err
	}
	note := ""
	if opt.Kernel == Auto && end > TPAEnd {
		want := end
		if kernels, end, err = fastestFit(m, kernels); err != nil {
			return nil, err
		}
		if end <= TPAEnd {
			note = fmt.Sprintf("auto: the fast kernel on every layer that can take it would need %d bytes more than the TPA has; "+
				"it is kept where it saves the most time (estimated %.1f M T-states a step)",
				want-TPAEnd, float64(estimate(m, kernels))/1e6)
		}
	}
	if end > TPAEnd {
		advice := "shrink the hidden layers"
		if slices.Contains(kernels, Scatter) {
			advice += " or use --kernel compact"
		}
		return nil, fmt.Errorf("the program needs %d bytes more than a 64K CP/M 2.2 system has "+
			"(code, tables, buffers and stack would end at %04Xh; the TPA ends at %04Xh): %s (%d parameters now)",
			end-TPAEnd, end-1, TPAEnd-1, advice, m.Params())
	}
	p, err := assemble(m, kernels)
	if err != nil {
		return nil, err
	}
	p.AutoNote = note
	if p.End != end {
		return nil, fmt.Errorf("internal error: program ends at %04Xh, sized to end at %04Xh", p.End, end)
	}
	return p, nil
}

// check rejects models the runtime cannot compute exactly.
func check(m *lm.Model) error {
	if err := m.Validate(); err != nil {
		return err
	}
	for k, l := range m.Layers {
		if l.Bits != 2 {
			return fmt.Errorf("layer %d: %d-bit weights are not supported by the Z80 kernels (only 2-bit)", k+1, l.Bits)
		}
		if l.Out > 256 {
			return fmt.Errorf("layer %d: %d outputs; the Z80 kernels handle at most 256 per layer", k+1, l.Out)
		}
	}
	if len(m.Charset) < 2 {
		return fmt.Errorf("charset has no characters besides EOS")
	}
	return nil
}

// size returns the first address above the program's code, tables, buffers
// and stack for the given kernels, without assembling the tables (so that
// a model too large for 64K gets a size rather than an assembler error).
func size(m *lm.Model, kernels []Kernel) (int, error) {
	g := newGenerator(m, kernels)
	ap, err := asm.Assemble("z80lm.asm", g.source(0, true), asm.Options{Org: Org})
	if err != nil {
		return 0, fmt.Errorf("assembling the generated program: %v", err)
	}
	return g.bss(ap.Symbols["progend"] + g.dataSize()), nil
}

// assemble generates and assembles the program for the given kernels.
func assemble(m *lm.Model, kernels []Kernel) (*Program, error) {
	g := newGenerator(m, kernels)
	ap, err := asm.Assemble("z80lm.asm", g.source(0, true), asm.Options{Org: Org})
	if err != nil {
		return nil, fmt.Errorf("assembling the generated program: %v", err)
	}
	src := g.source(ap.Symbols["progend"]+g.dataSize(), false)
	if ap, err = asm.Assemble("z80lm.asm", src, asm.Options{Org: Org}); err != nil {
		return nil, fmt.Errorf("assembling the generated program: %v", err)
	}
	if int(ap.Org) != Org || Org+len(ap.Bytes) != ap.Symbols["progend"] {
		return nil, fmt.Errorf("assembling the generated program: image at %04Xh, %d bytes, does not end at progend", ap.Org, len(ap.Bytes))
	}
	return &Program{
		Source:    src,
		COM:       ap.Bytes,
		Symbols:   ap.Symbols,
		Kernels:   append([]Kernel(nil), kernels...),
		End:       ap.Symbols["bss_end"],
		Model:     g.m,
		asm:       ap,
		sentinels: g.sentinels,
	}, nil
}

// biasOrder returns a copy of m in which the units of each hidden layer
// are sorted, stably, by their bias (and the columns of the next layer
// alike): the network computes the same logits, and the biases that start
// a layer's accumulator each step form runs of equal values, which initacc
// writes cheaply.
func biasOrder(m *lm.Model) *lm.Model {
	c := *m
	c.Layers = slices.Clone(m.Layers)
	for k := 0; k+1 < len(c.Layers); k++ {
		b := c.Layers[k].B
		order := make([]int, len(b))
		for o := range order {
			order[o] = o
		}
		slices.SortStableFunc(order, func(x, y int) int { return int(b[x]) - int(b[y]) })
		c.Layers[k], c.Layers[k+1] = remapUnits(c.Layers[k], c.Layers[k+1], order, 0)
	}
	return &c
}

// withSentinels returns a copy of m in which each hidden layer whose
// finaliser is fin_fuse (fused, and not layer 1 counting its context half)
// and that has fewer than 256 units gets a sentinel unit 0: no weights in
// or out, so that its output changes nothing, and a bias (sentinelBias)
// that makes fin_fuse's loop end there without a counter (see finFuse).
// It also leaves B free to hold the next layer's column pointer page.
func withSentinels(m *lm.Model, kernels []Kernel) (*lm.Model, []bool) {
	c := *m
	c.Layers = slices.Clone(m.Layers)
	added := make([]bool, len(c.Layers))
	for k := 0; k+1 < len(c.Layers); k++ {
		l := c.Layers[k]
		if !finFused(kernels, k) || l.Out == 256 {
			continue
		}
		from := []int{-1} // the sentinel, then the units as they were
		for o := range l.Out {
			from = append(from, o)
		}
		c.Layers[k], c.Layers[k+1] = remapUnits(l, c.Layers[k+1], from, sentinelBias(l.Shift))
		added[k] = true
	}
	return &c, added
}

// remapUnits returns a hidden layer l and the layer after it, next, with
// l's unit o made from unit from[o]: its weights and bias, and its column
// of next's weights. A unit from -1 is new: no weights in or out, bias
// newBias.
func remapUnits(l, next lm.Layer, from []int, newBias int16) (lm.Layer, lm.Layer) {
	nl, nn := l, next
	nl.Out, nn.In = len(from), len(from)
	nl.W, nl.B = make([]int8, len(from)*l.In), make([]int16, len(from))
	nn.W = make([]int8, next.Out*len(from))
	for to, f := range from {
		if f < 0 {
			nl.B[to] = newBias
			continue
		}
		copy(nl.W[to*l.In:(to+1)*l.In], l.W[f*l.In:(f+1)*l.In])
		nl.B[to] = l.B[f]
		for r := range next.Out {
			nn.W[r*len(from)+to] = next.W[r*next.In+f]
		}
	}
	return nl, nn
}

// sentinelBias is the bias of a sentinel unit, whose sum is its bias: 1,
// an output of 0 after a shift of 1 or more, or for no shift 32767, an
// output of 256 or more. Either takes a path of fin_fuse's that is rare
// and tests for the sentinel (see finFuse).
func sentinelBias(shift uint) int16 {
	if shift == 0 {
		return 32767
	}
	return 1
}

// KernelSummary says which kernel each layer uses, e.g. "fast,fast,compact".
func (p *Program) KernelSummary() string {
	s := make([]string, len(p.Kernels))
	for i, k := range p.Kernels {
		s[i] = k.String()
	}
	return strings.Join(s, ",")
}

// fastestFit chooses, among the layers that can use the fast kernel (fast
// in start), the set that keeps the fast kernel with the least estimated
// time per step such that the program fits the TPA. It tries every subset
// for up to maxExhaustive candidate layers, else it gives up the fast
// kernel greedily where it saves the least time per byte.
func fastestFit(m *lm.Model, start []Kernel) ([]Kernel, int, error) {
	const maxExhaustive = 10
	var cand []int
	for k, kn := range start {
		if kn == Scatter {
			cand = append(cand, k)
		}
	}
	try := func(mask uint) ([]Kernel, int, error) {
		ks := slices.Clone(start)
		for j, k := range cand {
			if mask&(1<<j) == 0 {
				ks[k] = Compact
			}
		}
		end, err := size(m, ks)
		return ks, end, err
	}
	if len(cand) <= maxExhaustive {
		var best []Kernel
		bestEnd, bestT := 0, 0
		for mask := uint(0); mask < 1<<len(cand); mask++ {
			ks, end, err := try(mask)
			if err != nil {
				return nil, 0, err
			}
			if end > TPAEnd {
				continue
			}
			if t := estimate(m, ks); best == nil || t < bestT || t == bestT && end < bestEnd {
				best, bestEnd, bestT = ks, end, t
			}
		}
		if best != nil {
			return best, bestEnd, nil
		}
		return try(0)
	}
	ks := slices.Clone(start)
	end, err := size(m, ks)
	for err == nil && end > TPAEnd {
		worst, ratio := -1, 0.0
		for _, k := range cand {
			if ks[k] != Scatter {
				continue
			}
			l := &m.Layers[k]
			saved := float64(compactTime(l) - scatterTime(l))
			one := k > 0 && k == len(m.Layers)-1 && oneListable(l)
			if r := saved / float64(max(scatterSize(l, one)-compactSize(l), 1)); worst < 0 || r < ratio {
				worst, ratio = k, r
			}
		}
		if worst < 0 {
			break
		}
		ks[worst] = Compact
		end, err = size(m, ks)
	}
	return ks, end, err
}

// estimate is a rough T-state count of one step with the given kernels,
// for choosing between them: the compact kernel reads every weight, the
// fast one only the columns of the non-zero inputs (about a quarter).
func estimate(m *lm.Model, kernels []Kernel) int {
	t := 0
	for k := range m.Layers {
		if kernels[k] == Scatter {
			t += scatterTime(&m.Layers[k])
		} else {
			t += compactTime(&m.Layers[k])
		}
	}
	return t
}

// Both kernels visit the columns of the non-zero inputs only, about a
// quarter of them. compactTime: about 400 T a column, 26 T a weight and
// 60 T more a non-zero weight.
func compactTime(l *lm.Layer) int {
	return (l.In*400 + l.In*l.Out*26 + weights(l)*60) / 4
}

// scatterTime: about 330 T a column and 42 T a listed row.
func scatterTime(l *lm.Layer) int { return (l.In*330 + weights(l)*42) / 4 }

// weights counts the non-zero weights, a -2 twice.
func weights(l *lm.Layer) int {
	n := 0
	for _, w := range l.W {
		n += int(max(-w, w))
	}
	return n
}
