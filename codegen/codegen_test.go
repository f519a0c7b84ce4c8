package codegen

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"z80lm/cpm"
	"z80lm/lm"
	"z80lm/z80"
)

// TestGoldenReplies runs the compiled reference models on all their golden
// queries: every reply must equal the expected file and the Go reference.
func TestGoldenReplies(t *testing.T) {
	for _, name := range []string{"guess", "tinychat"} {
		for _, kc := range []struct {
			k Kernel
			n int // queries to run (the compact kernel is slow)
		}{{Auto, 1 << 30}, {Compact, 60}} {
			t.Run(name+"/"+kc.k.String(), func(t *testing.T) {
				m, gold := loadRef(t, name)
				gold = gold[:min(len(gold), kc.n)]
				p, err := Build(m, Options{Kernel: kc.k})
				if err != nil {
					t.Fatal(err)
				}
				qs := make([]string, len(gold))
				for i, g := range gold {
					qs[i] = g.Query
				}
				replies, _ := chat(t, p.COM, qs, nil)
				ok := 0
				for i, g := range gold {
					ref := reference(m, g.Query)
					if replies[i] != g.Reply || replies[i] != ref {
						t.Errorf("%q: Z80 replies %q, expected file %q, Go reference %q", g.Query, replies[i], g.Reply, ref)
						continue
					}
					ok++
				}
				t.Logf("%s, kernels %s, %d bytes: %d/%d replies exact", name, p.KernelSummary(), len(p.COM), ok, len(gold))
			})
		}
	}
}

// vec reads n entries of a split table at page from Z80 memory.
func vec(cpu *z80.CPU, page, n int) []int16 {
	v := make([]int16, n)
	for i := range v {
		v[i] = int16(uint16(cpu.Mem[page*256+i]) | uint16(cpu.Mem[(page+1)*256+i])<<8)
	}
	return v
}

// checkActs runs queries through p, compiled from m, with hooks that step
// lm.Runner along: at every step, the input vector and every layer's
// output in Z80 memory must equal the reference value by value, and every
// reply must equal m's. It returns the number of steps compared.
func checkActs(t *testing.T, m *lm.Model, p *Program, queries []string) int {
	t.Helper()
	r := lm.NewRunner(p.Model) // hidden units in the program's order
	next, steps, bad := 0, 0, 0
	counts := contextCounts(p)
	handed := handedOutputs(p)
	xCounts := p.generator().qCounts() // x holds counts (see xCode)
	hooks := map[uint16]func(*z80.CPU){
		uint16(p.Symbols["fwd_reset"]): func(*z80.CPU) {
			r.Start(prepare(queries[next]))
			next++
		},
		uint16(p.Symbols["step_done"]): func(cpu *z80.CPU) {
			idx := r.Step()
			steps++
			if bad > 10 {
				return
			}
			n := lm.InputSize
			if counts != nil {
				n = lm.QueryBuckets // the context half is in counts (cache.go)
				if got, want := counts(cpu), refCounts(p.Model, r.X); !slices.Equal(got, want) {
					t.Errorf("query %q step %d: layer 1's context counts\nZ80 %v\nref %v", queries[next-1], steps, got, want)
					bad++
				}
			}
			want := r.X[:n]
			if xCounts {
				want = make([]int16, n)
				for i, v := range r.X[:n] {
					want[i] = v / 32
				}
			}
			if x := vec(cpu, p.Symbols["xpage"], n); !equal(x, want) {
				t.Errorf("query %q step %d: input vector\nZ80 %v\nref %v", queries[next-1], steps, x, want)
				bad++
			}
			for k, want := range r.Acts {
				var got []int16
				switch {
				case handed.out[k] != nil:
					got = handed.take(k)
				case k < len(r.Acts)-1:
					got = listed(cpu, p, k+1, vec(cpu, p.Symbols[fmt.Sprintf("acc%d", k+1)], len(want)))
				default:
					got = vec(cpu, p.Symbols[fmt.Sprintf("acc%d", k+1)], len(want))
				}
				if !equal(got, want) {
					t.Errorf("query %q step %d: layer %d (%s)\nZ80 %v\nref %v", queries[next-1], steps, k+1, p.Kernels[k], got, want)
					bad++
				}
			}
			if idx != m.EOSIndex() {
				r.Push(m.Charset[idx])
			}
		},
	}
	handed.hook(hooks)
	replies, _ := chat(t, p.COM, queries, hooks)
	if next != len(queries) {
		t.Fatalf("%d replies started, want %d", next, len(queries))
	}
	for i, q := range queries {
		if want := reference(m, q); replies[i] != want {
			t.Errorf("%q: Z80 %q, reference %q", q, replies[i], want)
		}
	}
	return steps
}

// handed collects the outputs that the fused finalisers (see fuse) hand
// to the next layer's column walk: a hidden layer's output as the next
// layer sees it, for the layers that store no output.
type handed struct {
	p      *Program
	layer  map[uint16]int // layerK label -> the hidden layer whose finaliser runs there
	prefix []string       // per hidden layer: its fused finaliser's label prefix, or ""
	out    [][]int16
	cur    int
}

func handedOutputs(p *Program) *handed {
	g, m := p.generator(), p.Model
	h := &handed{p: p, layer: map[uint16]int{}, out: make([][]int16, len(m.Layers)), cur: -1}
	for k := range m.Layers {
		h.prefix = append(h.prefix, "")
		if g.fused(k) {
			_, h.prefix[k] = g.finalName(k)
			h.out[k] = make([]int16, m.Layers[k].Out)
			h.layer[uint16(p.Symbols[fmt.Sprintf("layer%d", k+2)])] = k
		}
	}
	return h
}

func (h *handed) hook(hooks map[uint16]func(*z80.CPU)) {
	for a, k := range h.layer {
		hooks[a] = func(*z80.CPU) { h.cur = k }
	}
	for _, pre := range h.prefix {
		if pre == "" {
			continue
		}
		hooks[uint16(h.p.Symbols[pre+"_pp"])] = func(cpu *z80.CPU) { h.out[h.cur][cpu.L] = int16(cpu.A) }
		if wx, ok := h.p.Symbols[pre+"_wx"]; ok { // none when x < 256 always (a shift of 7 or more)
			hooks[uint16(wx)] = func(cpu *z80.CPU) { h.out[h.cur][cpu.L] = int16(cpu.IX&0xFF00 | uint16(cpu.A)) }
		}
	}
}

// take returns layer k's outputs handed on since the last call (zero for
// the others).
func (h *handed) take(k int) []int16 {
	v := h.out[k]
	h.out[k] = make([]int16, len(v))
	return v
}

// listed is a hidden layer's output as the next layer sees it: the values
// of the outputs listed in nz<k> (count in nz<k>c) and zero elsewhere.
func listed(cpu *z80.CPU, p *Program, k int, acc []int16) []int16 {
	list := p.Symbols[fmt.Sprintf("nz%d", k)] * 256
	c := p.Symbols[fmt.Sprintf("nz%dc", k)]
	n := int(cpu.Mem[c]) | int(cpu.Mem[c+1])<<8
	out := make([]int16, len(acc))
	for i := range n {
		o := int(cpu.Mem[list+i])
		if o < len(acc) {
			out[o] = acc[o]
		} else {
			out[0] = -1 // listed beyond the layer: never equal to a ReLU output
		}
	}
	return out
}

// contextCounts returns, for a program whose layer 1 counts its context
// half in bytes, a reader of the counts its finaliser uses this step (the
// page patched into the first finaliser entry); nil for other programs.
func contextCounts(p *Program) func(*z80.CPU) []int8 {
	g := p.generator()
	if !g.ctxCounts() {
		return nil
	}
	at := p.Symbols[g.countPatches()[0]] + 1
	n := p.Model.Layers[0].Out
	return func(cpu *z80.CPU) []int8 {
		page := int(cpu.Mem[at]) * 256
		c := make([]int8, n)
		for o := range c {
			c[o] = int8(cpu.Mem[page+o])
		}
		return c
	}
}

// refCounts is layer 1's context half in counts: sum over the context
// inputs of W[o,i] * x[i]/32.
func refCounts(m *lm.Model, x lm.Input) []int8 {
	l := &m.Layers[0]
	c := make([]int8, l.Out)
	for o := range c {
		s := 0
		for i := lm.QueryBuckets; i < lm.InputSize; i++ {
			s += int(l.W[o*l.In+i]) * int(x[i]) / lm.InputScale
		}
		c[o] = int8(s)
	}
	return c
}

func equal(a, b []int16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestActivations compares the input vector, hidden activations and logits
// of the reference models in Z80 memory with lm.Runner's, step by step.
func TestActivations(t *testing.T) {
	for _, name := range []string{"guess", "tinychat"} {
		for _, kc := range []struct {
			k Kernel
			n int
		}{{Scatter, 120}, {Compact, 6}} {
			t.Run(name+"/"+kc.k.String(), func(t *testing.T) {
				m, gold := loadRef(t, name)
				p, err := Build(m, Options{Kernel: kc.k})
				if err != nil {
					t.Fatal(err)
				}
				var qs []string
				for i := 0; i < kc.n; i++ {
					qs = append(qs, gold[i*len(gold)/kc.n].Query)
				}
				steps := checkActs(t, m, p, qs)
				t.Logf("%s/%s: %d steps, all values compared", name, kc.k, steps)
			})
		}
	}
}

// TestKernelShapes runs random models of awkward shapes, with biases at the
// int16 limits and dense weights (so that sums wrap), through both kernels.
func TestKernelShapes(t *testing.T) {
	for i, c := range []struct {
		hidden  []int
		nchars  int
		density float64
		bias    int
	}{
		{[]int{1}, 2, 0.5, 2000},
		{[]int{7, 13}, 2, 0.6, 30000},
		{[]int{5, 3, 11}, 64, 0.9, 32767},
		{nil, 64, 0.3, 500},
		{[]int{256, 255}, 9, 0.2, 20000},
		{[]int{33, 200, 6}, 17, 0.5, 1000},
	} {
		for _, k := range []Kernel{Compact, Scatter} {
			t.Run(fmt.Sprintf("%d/%v/%s", i, c.hidden, k), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(i), 7))
				m := randomModel(rng, c.hidden, c.nchars, c.density, c.bias)
				if err := m.Validate(); err != nil {
					t.Fatal(err)
				}
				p, err := Build(m, Options{Kernel: k})
				if err != nil {
					t.Fatal(err)
				}
				qs := randomQueries(rng, 10)
				steps := checkActs(t, m, p, qs)
				t.Logf("%d steps compared", steps)
			})
		}
	}
}

func build(t *testing.T, name string) (*lm.Model, *Program) {
	t.Helper()
	m, _ := loadRef(t, name)
	p, err := Build(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m, p
}

// spAtExit hooks the final RET and records SP there.
func spAtExit(mc *cpm.Machine, p *Program, sp *int) {
	mc.Hook(uint16(p.Symbols["leave"]), func(cpu *z80.CPU) { *sp = int(cpu.SP) })
}

// TestCommandTail: with a command tail the program answers once and leaves
// with the stack as it found it.
func TestCommandTail(t *testing.T) {
	m, p := build(t, "guess")
	for _, q := range []string{"are you expensive", "  fly  ", "IS IT BIG", strings.Repeat("is it a big red ball ", 5)} {
		var out bytes.Buffer
		mc, err := cpm.New(cpm.Config{Program: p.COM, Tail: q, Output: &out, MaxTStates: 1 << 32})
		if err != nil {
			t.Fatal(err)
		}
		sp := -1
		spAtExit(mc, p, &sp)
		if err := mc.Run(); err != nil {
			t.Fatal(err)
		}
		want := reference(m, q) + "\r\n"
		if out.String() != want || len(mc.Stats().Lines) != 0 {
			t.Errorf("tail %q: printed %q, want %q, and no console input", q, out.String(), want)
		}
		if sp != cpm.StackTop {
			t.Errorf("tail %q: SP at exit %04Xh, want %04Xh", q, sp, cpm.StackTop)
		}
	}
}

// TestBangExits: a line starting with '!' ends the program (one with blanks
// before the '!' is a query, as in z80lm chat).
func TestBangExits(t *testing.T) {
	m, p := build(t, "guess")
	var out bytes.Buffer
	mc, err := cpm.New(cpm.Config{Program: p.COM, Input: strings.NewReader("fly\n  !no exit\n!bye\nnever read\n"), Output: &out, MaxTStates: 1 << 32})
	if err != nil {
		t.Fatal(err)
	}
	sp := -1
	spAtExit(mc, p, &sp)
	if err := mc.Run(); err != nil {
		t.Fatal(err)
	}
	want := "> fly\r\r\n" + reference(m, "fly") + "\r\n>   !no exit\r\r\n" + reference(m, "!no exit") + "\r\n> !bye\r\r\n"
	if out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
	if n := len(mc.Stats().Lines); n != 3 {
		t.Errorf("%d lines read, want 3", n)
	}
	if sp != cpm.StackTop {
		t.Errorf("SP at exit %04Xh, want %04Xh", sp, cpm.StackTop)
	}
}

// TestTPATooSmall: with the BDOS below the program's data the program says
// so and returns without reading input.
func TestTPATooSmall(t *testing.T) {
	_, p := build(t, "guess")
	for _, top := range []int{p.End - 1, 0x4000} {
		var out bytes.Buffer
		mc, err := cpm.New(cpm.Config{Program: p.COM, Input: strings.NewReader("fly\n"), Output: &out, MaxTStates: 1 << 24})
		if err != nil {
			t.Fatal(err)
		}
		lowerBDOS(mc, top)
		if err := mc.Run(); err != nil {
			t.Fatal(err)
		}
		if out.String() != "Not enough memory for this model\r\n" || len(mc.Stats().Lines) != 0 {
			t.Errorf("BDOS at %04Xh: printed %q and read %d lines", top, out.String(), len(mc.Stats().Lines))
		}
	}
}

// TestContextCache runs the reference models with as many cache entries
// as their system leaves (one, three, and all there are on the full
// 62K system): every step's context counts must equal the reference's, and
// every reply too. A cache of one entry misses at every step but the
// first of a reply.
func TestContextCache(t *testing.T) {
	const ccp = 0x806 // the CCP's size: the cache stays below it
	for _, name := range []string{"guess", "tinychat"} {
		m, gold := loadRef(t, name)
		p, err := Build(m, Options{})
		if err != nil {
			t.Fatal(err)
		}
		qs := make([]string, 0, 60)
		for _, g := range gold[:60] {
			qs = append(qs, g.Query)
		}
		cbase := p.Symbols["cbase"]
		for _, c := range []struct{ top, entries int }{
			{(cbase+1)*256 + ccp, 1},
			{(cbase+3)*256 + ccp + 0x80, 3},
			{0, min(cxCap, (cpm.BDOS-ccp)/256-cbase)},
		} {
			t.Run(fmt.Sprintf("%s/%d", name, c.entries), func(t *testing.T) {
				counts := contextCounts(p)
				r := lm.NewRunner(p.Model)
				next, steps, lookups, misses, bad := 0, 0, 0, 0, 0
				hooks := map[uint16]func(*z80.CPU){
					uint16(p.Symbols["fwd_reset"]): func(*z80.CPU) { r.Start(prepare(qs[next])); next++ },
					uint16(p.Symbols["cx_miss"]): func(cpu *z80.CPU) {
						misses++
						if got := int(cpu.Mem[p.Symbols["cx_max"]]); got != c.entries {
							t.Fatalf("%d cache entries, want %d", got, c.entries)
						}
					},
					uint16(p.Symbols["step_done"]): func(cpu *z80.CPU) {
						steps++
						if bad < 5 && !slices.Equal(counts(cpu), refCounts(p.Model, r.X)) {
							t.Errorf("query %q: step %d: context counts differ", qs[next-1], steps)
							bad++
						}
						if idx := r.Step(); idx != m.EOSIndex() {
							r.Push(p.Model.Charset[idx])
						}
					},
				}
				hooks[uint16(p.Symbols["cx_page"])] = func(cpu *z80.CPU) {
					if cpu.Mem[p.Symbols["nreply"]] != 0 {
						lookups++
					}
				}
				replies, _ := chatBelow(t, p.COM, qs, hooks, c.top)
				for i, q := range qs {
					if want := reference(m, q); replies[i] != want {
						t.Errorf("%q: Z80 %q, reference %q", q, replies[i], want)
					}
				}
				if misses == 0 || misses > lookups || c.top == 0 && misses == lookups {
					t.Errorf("%d lookups, %d misses", lookups, misses)
				}
				t.Logf("%d entries: %d steps, %d lookups, %d misses", c.entries, steps, lookups, misses)
			})
		}
	}
}

// TestBuildErrors: models that cannot be compiled get a clear error.
func TestBuildErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	big := randomModel(rng, []int{256, 256, 256, 256}, 40, 0.25, 100)
	four := randomModel(rng, []int{8}, 4, 0.3, 100)
	four.Layers[1].Bits = 4
	for _, c := range []struct {
		m    *lm.Model
		k    Kernel
		want string
	}{
		{big, Auto, "bytes more than a 64K CP/M 2.2 system has"},
		{big, Compact, fmt.Sprintf("TPA ends at E405h): shrink the hidden layers (%d parameters now)", big.Params())},
		{four, Auto, "layer 2: 4-bit weights are not supported"},
	} {
		_, err := Build(c.m, Options{Kernel: c.k})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("kernel %s: error %v, want one saying %q", c.k, err, c.want)
		}
	}
}

// TestInterruptState: the fast kernel disables interrupts while SP walks
// its lists; the program must leave them as it found them.
func TestInterruptState(t *testing.T) {
	m, p := build(t, "guess")
	for _, ie := range []bool{false, true} {
		var out bytes.Buffer
		mc, err := cpm.New(cpm.Config{Program: p.COM, Input: strings.NewReader("is it big\nfly\n!\n"), Output: &out, MaxTStates: 1 << 32})
		if err != nil {
			t.Fatal(err)
		}
		mc.CPU.IFF1, mc.CPU.IFF2 = ie, ie
		steps, wrong := 0, 0
		mc.Hook(uint16(p.Symbols["step_done"]), func(cpu *z80.CPU) {
			steps++
			if cpu.IFF1 != ie || cpu.IFF2 != ie {
				wrong++
			}
		})
		left := false
		mc.Hook(uint16(p.Symbols["leave"]), func(cpu *z80.CPU) {
			left = cpu.IFF1 == ie && cpu.IFF2 == ie
		})
		if err := mc.Run(); err != nil {
			t.Fatal(err)
		}
		if !left || wrong > 0 || steps == 0 {
			t.Errorf("interrupts enabled = %v: %d of %d steps ended with another state; at exit as found: %v", ie, wrong, steps, left)
		}
		want := "> is it big\r\r\n" + reference(m, "is it big") + "\r\n> fly\r\r\n" + reference(m, "fly") + "\r\n> !\r\r\n"
		if out.String() != want {
			t.Errorf("printed %q, want %q", out.String(), want)
		}
	}
}

// TestManyQueries runs 1,000 random queries through a model of our own
// (random weights, two hidden layers) compiled with each kernel choice:
// every reply must equal the Go reference inference's.
func TestManyQueries(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 queries in the emulator")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	m := randomModel(rng, []int{48, 24}, 8, 0.3, 3000)
	qs := randomQueries(rng, 1000)
	p, err := Build(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	replies, _ := chat(t, p.COM, qs, nil)
	ok, chars := 0, 0
	for i, q := range qs {
		if want := reference(m, q); replies[i] != want {
			t.Errorf("%q: Z80 %q, reference %q", q, replies[i], want)
			continue
		}
		ok++
		chars += len(replies[i])
	}
	t.Logf("%d/%d replies exact (%d characters)", ok, len(qs), chars)
}

// TestCCPOverwritten: a program whose data reach over the CCP (DC00h..)
// still runs, and leaves by warm boot (JP 0) rather than RET, so that CP/M
// reloads the CCP.
func TestCCPOverwritten(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := randomModel(rng, []int{256, 256, 252}, 3, 0.75, 1000)
	p, err := Build(m, Options{Kernel: Compact})
	if err != nil {
		t.Fatal(err)
	}
	if p.End <= cpm.BDOS-0x806 {
		t.Fatalf("the test model ends at %04Xh, below the CCP: make it larger", p.End)
	}
	_, small := build(t, "guess")
	for _, c := range []struct {
		p      *Program
		reboot bool
	}{{p, true}, {small, false}} {
		var out bytes.Buffer
		mc, err := cpm.New(cpm.Config{Program: c.p.COM, Tail: "is it big", Output: &out, MaxTStates: 1 << 36})
		if err != nil {
			t.Fatal(err)
		}
		rebooted := false
		mc.Hook(uint16(c.p.Symbols["reboot"]), func(*z80.CPU) { rebooted = true })
		if err := mc.Run(); err != nil {
			t.Fatal(err)
		}
		if rebooted != c.reboot {
			t.Errorf("program ending at %04Xh: left by JP 0 = %v, want %v", c.p.End, rebooted, c.reboot)
		}
		if out.Len() == 0 {
			t.Errorf("program ending at %04Xh printed nothing", c.p.End)
		}
	}
}

// TestMixedKernels: a layer whose columns have too many non-zero weights
// for the fast kernel's byte counts gets the compact kernel under auto (and
// an error when fast is demanded); the mixed program stays exact.
func TestMixedKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	m := randomModel(rng, []int{256, 20}, 6, 0.3, 2000)
	l := &m.Layers[0]
	for o := 0; o < l.Out; o++ {
		l.W[o*l.In+5] = 1 // input 5 has 256 rows of +1
	}
	if _, err := Build(m, Options{Kernel: Scatter}); err == nil || !strings.Contains(err.Error(), "layer 1 cannot use the fast kernel") {
		t.Errorf("--kernel fast: error %v, want one naming layer 1", err)
	}
	p, err := Build(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.KernelSummary(); got != "compact,fast,fast" {
		t.Fatalf("kernels %s, want compact,fast,fast", got)
	}
	qs := randomQueries(rng, 12)
	steps := checkActs(t, m, p, qs)
	t.Logf("%d steps compared", steps)
}

// TestCountFinalisers: layer 1 counting its context half (fast kernel),
// with its query half in counts too (small biases, shift <= 5: fin_ctxq)
// or not (fin_ctx), fused with a fast layer 2 or listing its outputs for a
// compact one, for widths that do and do not fill a page.
func TestCountFinalisers(t *testing.T) {
	for _, width := range []int{1, 7, 128, 255, 256} {
		for _, counted := range []bool{true, false} {
			for _, k2 := range []Kernel{Scatter, Compact} {
				t.Run(fmt.Sprintf("%d/%v/%s", width, counted, k2), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(uint64(width), 11))
					m := randomModel(rng, []int{width, 9}, 6, 0.3, 2000)
					if l := &m.Layers[0]; counted {
						for o := range l.B {
							l.B[o] = int16(rng.IntN(63) - 31)
						}
						l.Shift = uint(width % 6)
					}
					p, err := assemble(biasOrder(m), []Kernel{Scatter, k2, Scatter})
					if err != nil {
						t.Fatal(err)
					}
					fin := map[bool]string{true: "fin_ctxq", false: "fin_ctx"}[counted]
					if k2 == Scatter {
						fin += "f"
					}
					if _, ok := p.Symbols[fin]; !ok {
						t.Fatalf("no %s in the program", fin)
					}
					if steps := checkActs(t, m, p, randomQueries(rng, 8)); steps == 0 {
						t.Error("no steps")
					}
				})
			}
		}
	}
}

// TestScatterWide: scatter, which walks layer 1's query half when that
// half is not counted in bytes (large biases), hands x >= 256 (a trigram
// eight times or more) to w16; both paths must run and stay exact.
func TestScatterWide(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	m := randomModel(rng, []int{30, 20}, 6, 0.4, 2000)
	p, err := Build(m, Options{Kernel: Scatter})
	if err != nil {
		t.Fatal(err)
	}
	if p.generator().qCounts() {
		t.Fatal("layer 1 counts its query half: scatter is not used")
	}
	qs := append(randomQueries(rng, 4), strings.Repeat("ab", 30), strings.Repeat("zzz ", 12))
	bothPaths(t, m, p, qs, "sc_ap", "sc_wide")
	checkActs(t, m, p, qs)
}

// TestFuseWidths: fin_fuse counts a hidden layer's outputs down to its
// sentinel unit, or, for 256 outputs, goes round from 0 (withSentinels).
func TestFuseWidths(t *testing.T) {
	for _, width := range []int{1, 2, 255, 256} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(width), 12))
			m := randomModel(rng, []int{40, width}, 6, 0.3, 2000)
			p, err := Build(m, Options{Kernel: Scatter})
			if err != nil {
				t.Fatal(err)
			}
			sentinel := width < 256
			if got := p.Model.Layers[1].Out; got != width+map[bool]int{true: 1}[sentinel] {
				t.Errorf("layer 2 has %d units as compiled", got)
			}
			if steps := checkActs(t, m, p, randomQueries(rng, 8)); steps == 0 {
				t.Error("no steps")
			}
		})
	}
}

// TestShifts: per-layer shifts other than v1's 2, including none.
func TestShifts(t *testing.T) {
	for _, shifts := range [][]uint{{0, 3, 1}, {7, 0, 5}, {1, 1, 15}, {3, 9, 2}, {2, 7, 0}, {4, 5, 3}, {0, 8, 2}, {1, 6, 0}} {
		for _, k := range []Kernel{Compact, Scatter} {
			t.Run(fmt.Sprintf("%v/%s", shifts, k), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(shifts[0]), 9))
				m := randomModel(rng, []int{9, 14}, 7, 0.5, 30000)
				for i, s := range shifts {
					m.Layers[i].Shift = s
				}
				p, err := Build(m, Options{Kernel: k})
				if err != nil {
					t.Fatal(err)
				}
				if steps := checkActs(t, m, p, randomQueries(rng, 6)); steps == 0 {
					t.Error("no steps")
				}
			})
		}
	}
}

// TestCompactPaths: the compact kernel walks a column with 8-bit adds when
// x < 256 and with 16-bit adds otherwise; a model whose hidden values get
// large must take both, and stay exact.
func TestCompactPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	m := randomModel(rng, []int{40, 30}, 12, 0.5, 20000)
	p, err := Build(m, Options{Kernel: Compact})
	if err != nil {
		t.Fatal(err)
	}
	bothPaths(t, m, p, randomQueries(rng, 20), "pb_walk", "pk_walk")
}

// bothPaths runs qs through p, compiled from m, counting how often a
// walk's path for x < 256 (at label narrowAt) and for x >= 256 (wideAt)
// begins: every reply must equal m's, and both paths must run.
func bothPaths(t *testing.T, m *lm.Model, p *Program, qs []string, narrowAt, wideAt string) {
	t.Helper()
	narrow, wide := 0, 0
	hooks := map[uint16]func(*z80.CPU){
		uint16(p.Symbols[narrowAt]): func(*z80.CPU) { narrow++ },
		uint16(p.Symbols[wideAt]):   func(*z80.CPU) { wide++ },
	}
	replies, _ := chat(t, p.COM, qs, hooks)
	for i, q := range qs {
		if want := reference(m, q); replies[i] != want {
			t.Errorf("%q: Z80 %q, reference %q", q, replies[i], want)
		}
	}
	if narrow == 0 || wide == 0 {
		t.Errorf("columns walked: %d with x < 256, %d with x >= 256; want both", narrow, wide)
	}
	t.Logf("columns walked: %d with x < 256, %d with x >= 256", narrow, wide)
}

// TestOneList: the last layer keeps one list a column (the -1 rows at
// 128+row) only when it has at most 128 outputs and each column's list
// fits a header (maxRows entries); else two lists, as the other layers.
func TestOneList(t *testing.T) {
	layer := func(out int, w int8) *lm.Layer {
		l := &lm.Layer{In: 3, Out: out, Bits: 2, Shift: 2, W: make([]int8, 3*out), B: make([]int16, out)}
		for i := range l.W {
			l.W[i] = w
		}
		return l
	}
	for _, c := range []struct {
		out  int
		w    int8
		want bool
	}{
		{128, 1, true},
		{128, -1, true},
		{126, -2, true},  // 252 entries a column (maxRows)
		{127, -2, false}, // 254
		{129, 1, false},
		{1, -2, true},
	} {
		l := layer(c.out, c.w)
		if got := oneListable(l); got != c.want {
			t.Errorf("%d outputs of weight %d: oneListable = %v, want %v", c.out, c.w, got, c.want)
		}
	}
	l := layer(3, 0)
	copy(l.W, []int8{1, 0, -2, -1, 0, 0, 0, 1, 0}) // rows 0..2, inputs 0..2
	if got, want := columnOne(l, 0), []byte{0, 128 + 1}; !bytes.Equal(got, want) {
		t.Errorf("column 0: %v, want %v", got, want)
	}
	if got, want := columnOne(l, 2), []byte{128, 128}; !bytes.Equal(got, want) {
		t.Errorf("column 2: %v, want %v", got, want)
	}
	// The walk takes no empty list: a column without weights adds and
	// takes away x at row 0.
	l = layer(3, 0)
	if got, want := columnOne(l, 1), []byte{0, 128}; !bytes.Equal(got, want) {
		t.Errorf("empty column, one list: %v, want %v", got, want)
	}
	copy(l.W, []int8{0, -1, 0, 0, 0, 0, 0, 0, 0}) // input 1: -1 at row 0
	if plus, minus := column(l, 1); !bytes.Equal(plus, []byte{0}) || !bytes.Equal(minus, []byte{0, 0}) {
		t.Errorf("column without +1 weights: %v and %v, want [0] and [0 0]", plus, minus)
	}
}

// TestRejectTable checks the table that lets fin_ctx skip an output from
// qacc's high byte h and the context count cnt alone (page m32+2, built by
// the Z80 at start-up): for every h, every low byte and every count the
// context half can reach (21 n-grams, weights -2..1: -42..21), cnt + t(h)
// < 0 must mean that qacc + 32*cnt is negative as a 16-bit number, so that
// the output is 0 whatever the shift. It also counts how often the table
// rejects, so that a table that never rejects fails. A bias of 100 keeps
// layer 1 from counting its query half (qCounts), which needs no table.
func TestRejectTable(t *testing.T) {
	m, gold := loadRef(t, "guess")
	m.Layers[0].B[0] = 100
	p, err := Build(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Symbols["fin_ctxf"]; !ok {
		t.Fatal("layer 1's finaliser is not fin_ctxf")
	}
	var table [256]int8
	hooks := map[uint16]func(*z80.CPU){
		uint16(p.Symbols["step_done"]): func(cpu *z80.CPU) {
			for h := range table {
				table[h] = int8(cpu.Mem[(p.Symbols["m32"]+2)*256+h])
			}
		},
	}
	chat(t, p.COM, []string{gold[0].Query}, hooks)
	rejects := 0
	for h := -128; h < 128; h++ {
		tv := int(table[byte(h)])
		if tv < -64 || tv > 64 {
			t.Errorf("t(%d) = %d, want -64..64 (cnt + t must not overflow)", h, tv)
		}
		for cnt := -42; cnt <= 21; cnt++ {
			if cnt+tv >= 0 {
				continue
			}
			rejects++
			for lo := 0; lo < 256; lo++ {
				if s := int16(uint16(h<<8 + lo + 32*cnt)); s >= 0 {
					t.Fatalf("h %d, low byte %d, cnt %d: rejected, but qacc + 32*cnt = %d", h, lo, cnt, s)
				}
			}
		}
	}
	if rejects < 100*64 {
		t.Errorf("the table rejects only %d of %d (h, cnt) pairs", rejects, 256*64)
	}
}

// TestQueryCounts covers fin_ctxq, layer 1 with its query half counted in
// bytes (qCounts: biases within -31..31, shift <= 5): odd and even widths,
// shifts 0, 2 and 5, -2 weights dense enough that the count k falls
// below -128 (the 8-bit sum overflows), and biases of both signs for k = 0.
// Every step's activations are compared with lm.Runner's.
func TestQueryCounts(t *testing.T) {
	for i, c := range []struct {
		hidden []int
		shift  uint
		minus2 float64 // share of layer 1's weights that are -2
	}{
		{[]int{7, 12}, 2, 0.9},
		{[]int{8}, 0, 0.5},
		{[]int{33, 5}, 5, 0.2},
	} {
		t.Run(fmt.Sprint(c.hidden, c.shift), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 11))
			m := randomModel(rng, c.hidden, 9, 0.6, 100)
			l := &m.Layers[0]
			l.Shift = c.shift
			for o := range l.B {
				l.B[o] = int16(rng.IntN(63) - 31)
			}
			for j := range l.W {
				if rng.Float64() < c.minus2 {
					l.W[j] = -2
				}
			}
			p, err := Build(m, Options{Kernel: Scatter})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := p.Symbols["fin_ctxqf"]; !ok {
				t.Fatal("layer 1 does not count its query half (no fin_ctxqf)")
			}
			qs := randomQueries(rng, 8)
			qs = append(qs, strings.Repeat("ab", 40), strings.Repeat("zzz ", 20))
			if i == 0 { // the first step's k must go below -128 somewhere
				low := 0
				r := lm.NewRunner(m)
				for _, q := range qs {
					r.Start(prepare(q))
					for o := 0; o < l.Out; o++ {
						k := 0
						for j := 0; j < l.In; j++ {
							k += int(l.W[o*l.In+j]) * int(r.X[j]) / lm.InputScale
						}
						low = min(low, k)
					}
				}
				if low >= -128 {
					t.Fatalf("lowest k %d: the overflow case is not reached", low)
				}
			}
			steps := checkActs(t, m, p, qs)
			t.Logf("%d steps compared", steps)
		})
	}
}

// TestNzcount runs nzcount alone: E = listed outputs mod 256, and when E
// is 0, output 0 of the table says none (zero, or negative: fin_relu
// leaves negative entries as they are) or all 256 (positive).
func TestNzcount(t *testing.T) {
	m, _ := loadRef(t, "guess")
	p, err := Build(m, Options{Kernel: Compact}) // the compact kernel reads lists
	if err != nil {
		t.Fatal(err)
	}
	page := p.Symbols["acc2"]
	word, ok := p.Symbols["nz2c"]
	if !ok {
		t.Fatal("no list of layer 2's non-zero outputs (nz2c)")
	}
	for _, c := range []struct {
		e      byte
		out0   uint16
		wantN  int
		reason string
	}{
		{5, 0x8000, 5, "five listed"},
		{0, 0x0000, 0, "output 0 is zero"},
		{0, 0xFFFF, 0, "output 0 is -1 (negative, left as it was)"},
		{0, 0x8000, 0, "output 0 is -32768"},
		{0, 0x0003, 256, "output 0 is 3"},
		{0, 0x0100, 256, "output 0 is 256"},
		{0, 0x7FFF, 256, "output 0 is 32767"},
	} {
		cpu := callAlone(t, p, "nzcount", c.reason, 10000, func(cpu *z80.CPU) {
			cpu.Mem[page*256], cpu.Mem[page*256+256] = byte(c.out0), byte(c.out0>>8)
			cpu.Mem[word], cpu.Mem[word+1] = 0xAA, 0xAA
			cpu.A, cpu.E = byte(page), c.e
			cpu.SetHL(uint16(word))
		})
		if n := int(cpu.Mem[word]) | int(cpu.Mem[word+1])<<8; n != c.wantN {
			t.Errorf("%s (E = %d): count %d, want %d", c.reason, c.e, n, c.wantN)
		}
	}
}

// TestBiasOrder: the reordered network sorts each hidden layer's biases
// and computes the same logits at every step.
func TestBiasOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	m := randomModel(rng, []int{37, 12}, 7, 0.4, 300)
	o := biasOrder(m)
	for k := range len(o.Layers) - 1 {
		if b := o.Layers[k].B; !slices.IsSorted(b) {
			t.Fatalf("layer %d: biases %v not sorted", k+1, b)
		}
	}
	if equal(m.Layers[0].B, o.Layers[0].B) {
		t.Fatal("layer 1 kept its order: the test model needs unsorted biases")
	}
	ra, rb := lm.NewRunner(m), lm.NewRunner(o)
	for _, q := range randomQueries(rng, 20) {
		ra.Start(q)
		rb.Start(q)
		last := len(m.Layers) - 1
		for range 5 {
			ia, ib := ra.Step(), rb.Step()
			if !equal(ra.Acts[last], rb.Acts[last]) || ia != ib {
				t.Fatalf("%q: logits %v, reordered %v", q, ra.Acts[last], rb.Acts[last])
			}
			ra.Push(m.Charset[ia])
			rb.Push(m.Charset[ib])
		}
	}
}

// TestHeaderRows runs rows_n alone on every list header: it must give
// back the number of rows the header was made from.
func TestHeaderRows(t *testing.T) {
	_, p := build(t, "guess")
	for n := 1; n <= maxRows; n++ {
		cpu := callAlone(t, p, "rows_n", fmt.Sprintf("n = %d", n), 1000, func(cpu *z80.CPU) { cpu.A = header(n) })
		if int(cpu.A) != n {
			t.Errorf("header %02Xh: rows_n gives %d rows, want %d", header(n), cpu.A, n)
		}
	}
}

// TestFill runs fill alone: the B bytes below HL = A, nothing else
// touched, HL at the lowest byte written, A and C kept.
func TestFill(t *testing.T) {
	_, p := build(t, "guess")
	for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 127, 128, 255} {
		const top = 0x9000
		cpu := callAlone(t, p, "fill", fmt.Sprintf("%d bytes", n), 100000, func(cpu *z80.CPU) {
			for a := top - 300; a < top+10; a++ {
				cpu.Mem[a] = 0x55
			}
			cpu.A, cpu.B, cpu.C = 0xA7, byte(n), 0x3C
			cpu.SetHL(top)
		})
		if cpu.SP != 0xE002 || cpu.HL() != uint16(top-n) || cpu.A != 0xA7 || cpu.C != 0x3C {
			t.Errorf("%d bytes: SP %04X HL %04X A %02X C %02X, want E002 %04X A7 3C", n, cpu.SP, cpu.HL(), cpu.A, cpu.C, top-n)
		}
		for a := top - 300; a < top+10; a++ {
			want := byte(0x55)
			if a >= top-n && a < top {
				want = 0xA7
			}
			if cpu.Mem[a] != want {
				t.Fatalf("%d bytes: byte %04X = %02X, want %02X", n, a, cpu.Mem[a], want)
			}
		}
	}
}
