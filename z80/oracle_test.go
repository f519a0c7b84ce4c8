//go:build oracle

// Differential tests against libz80ex (Debian libz80ex-dev), the oracle for
// every behaviour the Zilog manual leaves open. Run with
//
//	go test -tags oracle ./z80
package z80

import (
	"flag"
	"fmt"
	"math/rand"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"z80lm/z80/internal/z80ex"
)

// portLog is the test's IO: IN reads portValue, OUT is logged.
type portLog struct{ outs []z80ex.Out }

func (p *portLog) In(port uint16) byte     { return z80ex.PortValue(port) }
func (p *portLog) Out(port uint16, v byte) { p.outs = append(p.outs, z80ex.Out{Port: port, V: v}) }

var oracleScale = flag.Int("oracle.scale", 1, "multiply the number of random states and programs of the oracle tests")

func scale() int { return max(1, *oracleScale) }

// oracle pairs a z80.CPU with a libz80ex context in the same state.
type oracle struct {
	t     *testing.T
	z     *z80ex.CPU
	cpu   *CPU
	io    *portLog
	diffs int
	count int // whole instructions (or interrupt acceptances) compared
	// pending interrupts on the oracle side (libz80ex has no INT line)
	intPending, nmiPending bool
}

func newOracle(t *testing.T) *oracle {
	z, err := z80ex.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(z.Close)
	o := &oracle{t: t, z: z, cpu: New(), io: &portLog{}}
	o.cpu.IO = o.io
	return o
}

// sync puts the oracle in the register state of o.cpu (memory is not
// touched).
func (o *oracle) sync() {
	s := o.cpu
	z := o.z
	z.Reset() // leaves HALT, forgets EI and prefixes
	z.Set(z80ex.AF, s.AF())
	z.Set(z80ex.BC, s.BC())
	z.Set(z80ex.DE, s.DE())
	z.Set(z80ex.HL, s.HL())
	z.Set(z80ex.AF_, uint16(s.A_)<<8|uint16(s.F_))
	z.Set(z80ex.BC_, uint16(s.B_)<<8|uint16(s.C_))
	z.Set(z80ex.DE_, uint16(s.D_)<<8|uint16(s.E_))
	z.Set(z80ex.HL_, uint16(s.H_)<<8|uint16(s.L_))
	z.Set(z80ex.IX, s.IX)
	z.Set(z80ex.IY, s.IY)
	z.Set(z80ex.SP, s.SP)
	z.Set(z80ex.PC, s.PC)
	z.Set(z80ex.I, uint16(s.I))
	z.Set(z80ex.R, uint16(s.R))
	z.Set(z80ex.R7, uint16(s.R))
	z.Set(z80ex.IM, uint16(s.IM))
	z.Set(z80ex.IFF1, b2u(s.IFF1))
	z.Set(z80ex.IFF2, b2u(s.IFF2))
	z.SetMEMPTR(s.WZ)
}

func b2u(b bool) uint16 {
	if b {
		return 1
	}
	return 0
}

// regs is the register state of either side, comparable with ==.
type regs struct {
	AF, BC, DE, HL, AF_, BC_, DE_, HL_, IX, IY, SP, PC, WZ uint16
	I, R, IM                                               byte
	IFF1, IFF2, Halted, IntOK                              bool
}

func (r regs) String() string {
	return fmt.Sprintf("AF=%04X BC=%04X DE=%04X HL=%04X AF'=%04X BC'=%04X DE'=%04X HL'=%04X IX=%04X IY=%04X SP=%04X PC=%04X I=%02X R=%02X WZ=%04X IM=%d IFF=%d%d halt=%v int=%v",
		r.AF, r.BC, r.DE, r.HL, r.AF_, r.BC_, r.DE_, r.HL_, r.IX, r.IY, r.SP, r.PC, r.I, r.R, r.WZ,
		r.IM, b2u(r.IFF1), b2u(r.IFF2), r.Halted, r.IntOK)
}

func (o *oracle) ours() regs {
	c := o.cpu
	return regs{c.AF(), c.BC(), c.DE(), c.HL(), uint16(c.A_)<<8 | uint16(c.F_), uint16(c.B_)<<8 | uint16(c.C_),
		uint16(c.D_)<<8 | uint16(c.E_), uint16(c.H_)<<8 | uint16(c.L_), c.IX, c.IY, c.SP, c.PC, c.WZ,
		c.I, c.R, c.IM, c.IFF1, c.IFF2, c.Halted, c.IFF1 && !c.intBlocked}
}

func (o *oracle) theirs() regs {
	z := o.z
	get := z.Get
	return regs{get(z80ex.AF), get(z80ex.BC), get(z80ex.DE), get(z80ex.HL), get(z80ex.AF_), get(z80ex.BC_),
		get(z80ex.DE_), get(z80ex.HL_), get(z80ex.IX), get(z80ex.IY), get(z80ex.SP), get(z80ex.PC), z.MEMPTR(),
		byte(get(z80ex.I)), z.RegR(), byte(get(z80ex.IM)), get(z80ex.IFF1) != 0, get(z80ex.IFF2) != 0,
		z.Halted(), z.IntPossible()}
}

// step runs one instruction (or interrupt acceptance) on both sides and
// compares everything; what describes the case for the error message.
func (o *oracle) step(what func() string) bool {
	o.io.outs = o.io.outs[:0]
	z80ex.ResetOuts()
	ours := o.cpu.Step()
	return o.compare(ours, o.stepOracle(), what)
}

// stepOracle accepts a pending interrupt on the oracle side if it can, else
// runs one instruction, and returns the T-states.
func (o *oracle) stepOracle() int {
	switch {
	case o.nmiPending && o.z.NMIPossible():
		o.nmiPending = false
		return o.z.NMI()
	case o.intPending && o.z.IntPossible():
		o.intPending = false
		return o.z.Int()
	}
	return o.z.Step()
}

// compare counts one comparison of T-states (ours, theirs), registers, port
// writes and memory, and reports whether all agree.
func (o *oracle) compare(ours, theirs int, what func() string) bool {
	o.count++
	var bad []string
	if ours != theirs {
		bad = append(bad, fmt.Sprintf("T-states %d, oracle %d", ours, theirs))
	}
	if so, st := o.ours(), o.theirs(); so != st {
		bad = append(bad, fmt.Sprintf("registers\n      ours:   %v\n      oracle: %v", so, st))
	}
	if oouts := z80ex.Outs(); !slices.Equal(oouts, o.io.outs[:min(len(o.io.outs), 16)]) || z80ex.OutCount() != len(o.io.outs) {
		bad = append(bad, fmt.Sprintf("port writes %v, oracle %v (first 16 of %d)", o.io.outs, oouts, z80ex.OutCount()))
	}
	if o.cpu.Mem != *z80ex.Mem {
		for a := range o.cpu.Mem {
			if o.cpu.Mem[a] != z80ex.Mem[a] {
				bad = append(bad, fmt.Sprintf("memory %04X = %02X, oracle %02X", a, o.cpu.Mem[a], z80ex.Mem[a]))
				break
			}
		}
	}
	if bad == nil {
		return true
	}
	o.diffs++
	if o.diffs <= 20 {
		o.t.Errorf("%s:\n    %s", what(), strings.Join(bad, "\n    "))
	}
	// Resynchronise so that one difference does not cascade.
	*z80ex.Mem = o.cpu.Mem
	return false
}

// raise requests an NMI (nmi) or an INT with a random bus byte on both
// sides and returns the byte, a one-byte instruction from im0 (for IM 0;
// in IM 2 it is the vector's low byte).
func (o *oracle) raise(rng *rand.Rand, im0 []byte, nmi bool) byte {
	if nmi {
		o.cpu.NMI()
		o.nmiPending = true
		return 0
	}
	// IM may change before the INT is accepted: always a valid IM 0 byte.
	data := im0[rng.Intn(len(im0))]
	z80ex.SetIntData(data)
	o.cpu.Interrupt(data)
	o.intPending = true
	return data
}

// randomize gives both CPUs the same random registers, out of HALT, with
// no interrupt pending or blocked.
func (o *oracle) randomize(rng *rand.Rand) {
	s := o.cpu
	b := func() byte { return byte(rng.Intn(256)) }
	w := func() uint16 { return uint16(rng.Intn(65536)) }
	s.A, s.F, s.B, s.C, s.D, s.E, s.H, s.L = b(), b(), b(), b(), b(), b(), b(), b()
	s.A_, s.F_, s.B_, s.C_, s.D_, s.E_, s.H_, s.L_ = b(), b(), b(), b(), b(), b(), b(), b()
	s.IX, s.IY, s.SP, s.PC, s.WZ = w(), w(), w(), w(), w()
	s.I, s.R = b(), b()
	s.IM = byte(rng.Intn(3))
	s.IFF1, s.IFF2 = rng.Intn(2) == 0, rng.Intn(2) == 0
	if rng.Intn(4) == 0 { // short block-instruction counts end loops
		s.B, s.C = byte(rng.Intn(3)), byte(rng.Intn(3))
	}
	s.Halted, s.intBlocked, s.afterLDAIR, s.intLine, s.nmiLine = false, false, false, false, false
	o.intPending, o.nmiPending = false, false
	o.sync()
}

// prefixes of the instruction groups; for DD CB and FD CB the opcode comes
// after a displacement byte.
var groups = []struct {
	name   string
	prefix []byte
	disp   bool
}{
	{"unprefixed", nil, false},
	{"CB", []byte{0xCB}, false},
	{"ED", []byte{0xED}, false},
	{"DD", []byte{0xDD}, false},
	{"FD", []byte{0xFD}, false},
	{"DD CB", []byte{0xDD, 0xCB}, true},
	{"FD CB", []byte{0xFD, 0xCB}, true},
}

// TestOracleOpcodes runs every opcode of every prefix group from random
// register, flag, MEMPTR and memory states on both emulators.
func TestOracleOpcodes(t *testing.T) {
	statesPerOpcode := 1000 * scale()
	o := newOracle(t)
	rng := rand.New(rand.NewSource(1))
	im0 := singleByteOps()
	for i := range o.cpu.Mem {
		o.cpu.Mem[i] = byte(rng.Intn(256))
	}
	*z80ex.Mem = o.cpu.Mem
	for _, g := range groups {
		for op := 0; op < 256; op++ {
			for k := 0; k < statesPerOpcode; k++ {
				pc := uint16(rng.Intn(65536))
				code := append([]byte{}, g.prefix...)
				if g.disp {
					code = append(code, byte(rng.Intn(256)))
				}
				code = append(code, byte(op), byte(rng.Intn(256)), byte(rng.Intn(256)), byte(rng.Intn(256)))
				for i, v := range code {
					o.cpu.Mem[pc+uint16(i)] = v
					z80ex.Mem[pc+uint16(i)] = v
				}
				o.randomize(rng)
				o.cpu.PC = pc
				o.z.Set(z80ex.PC, pc)
				before := o.ours()
				o.step(func() string { return fmt.Sprintf("%s %02X: code % X from %s", g.name, op, code, before) })
				if k%4 == 0 {
					// An interrupt right after it: EI and prefixes block it, LD A,I/R lose P/V.
					nmi := k%64 == 0
					data := o.raise(rng, im0, nmi)
					after := o.ours()
					o.step(func() string {
						return fmt.Sprintf("%s %02X then INT %02X (NMI %v): code % X from %s", g.name, op, data, nmi, code, after)
					})
				}
			}
		}
	}
	t.Logf("%d instructions compared (%d opcodes x %d states, and an interrupt after every 4th), %d differences",
		o.count, len(groups)*256, statesPerOpcode, o.diffs)
}

// singleByteOps are the unprefixed one-byte opcodes: what a device may put on
// the bus in IM 0 (z80.CPU reads operands of longer ones from memory).
func singleByteOps() []byte {
	multi := map[byte]bool{}
	for _, op := range []byte{0x01, 0x06, 0x0E, 0x10, 0x11, 0x16, 0x18, 0x1E, 0x20, 0x21, 0x22, 0x26, 0x28, 0x2A,
		0x2E, 0x30, 0x31, 0x32, 0x36, 0x38, 0x3A, 0x3E, 0xC2, 0xC3, 0xC4, 0xC6, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE,
		0xD2, 0xD3, 0xD4, 0xD6, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xE2, 0xE4, 0xE6, 0xEA, 0xEC, 0xED, 0xEE,
		0xF2, 0xF4, 0xF6, 0xFA, 0xFC, 0xFD, 0xFE} {
		multi[op] = true
	}
	var ops []byte
	for op := 0; op < 256; op++ {
		if !multi[byte(op)] {
			ops = append(ops, byte(op))
		}
	}
	return ops
}

// TestOracleRandomPrograms runs random memory images as programs, with
// random maskable and non-maskable interrupts, step by step on both.
func TestOracleRandomPrograms(t *testing.T) {
	programs, stepsPerProgram := 600*scale(), 5000
	o := newOracle(t)
	rng := rand.New(rand.NewSource(2))
	im0 := singleByteOps()
	var ints, nmis int
	var intData byte
	for p := 0; p < programs; p++ {
		for i := range o.cpu.Mem {
			o.cpu.Mem[i] = byte(rng.Intn(256))
		}
		if p%3 == 0 { // fewer prefixes and jumps: longer straight runs
			for i := range o.cpu.Mem {
				if rng.Intn(2) == 0 {
					o.cpu.Mem[i] = byte(rng.Intn(0x40))
				}
			}
		}
		*z80ex.Mem = o.cpu.Mem
		o.randomize(rng)
		halted := 0
		for s := 0; s < stepsPerProgram && o.diffs < 20; s++ {
			if !o.intPending && rng.Intn(50) == 0 {
				intData = o.raise(rng, im0, false)
				ints++
			}
			if o.cpu.Halted {
				halted++
			}
			if !o.nmiPending && (rng.Intn(500) == 0 || halted > 20) {
				o.raise(rng, im0, true)
				nmis++
				halted = 0
			}
			before := o.ours()
			pc := o.cpu.PC
			var code []byte
			for i := uint16(0); i < 4; i++ {
				code = append(code, o.cpu.Mem[pc+i])
			}
			pend := fmt.Sprintf("INT pending %v (data %02X), NMI pending %v", o.intPending, intData, o.nmiPending)
			o.step(func() string {
				return fmt.Sprintf("program %d step %d: code % X.. from %s; %s", p, s, code, before, pend)
			})
		}
	}
	t.Logf("%d instructions compared in %d random programs (%d INT and %d NMI requests), %d differences", o.count, programs, ints, nmis, o.diffs)
}

// TestOracleRun checks Run's stops against the oracle stepped by the rule
// Run documents: after each instruction, stop if PC is at a trap, else if
// T >= limit. Random programs with random traps, limits and interrupts;
// programs that HALT with interrupts off exercise Run's skipping of HALT.
func TestOracleRun(t *testing.T) {
	programs, runsPerProgram := 500*scale(), 40
	o := newOracle(t)
	rng := rand.New(rand.NewSource(3))
	im0 := singleByteOps()
	var stops [2]int
	halted := 0
	for p := 0; p < programs; p++ {
		for i := range o.cpu.Mem {
			o.cpu.Mem[i] = byte(rng.Intn(0x40)) // no jumps, calls or prefixes: long straight runs
			if rng.Intn(16) == 0 {
				o.cpu.Mem[i] = byte(rng.Intn(256))
			}
			if rng.Intn(1000) == 0 {
				o.cpu.Mem[i] = 0x76 // HALT
			}
		}
		*z80ex.Mem = o.cpu.Mem
		o.randomize(rng)
		o.cpu.T = 0
		var traps []uint16
		for i := 0; i < 3; i++ {
			a := o.cpu.PC + uint16(rng.Intn(64)) // near the start: reached often
			traps = append(traps, a)
			o.cpu.SetTrap(a, true)
		}
		var theirT uint64
		for r := 0; r < runsPerProgram && o.diffs < 20; r++ {
			switch rng.Intn(8) {
			case 0:
				o.raise(rng, im0, false)
			case 1:
				o.raise(rng, im0, true)
			}
			before := o.ours()
			limit := o.cpu.T + uint64(rng.Intn(3000))
			o.io.outs = o.io.outs[:0]
			z80ex.ResetOuts()
			stop := o.cpu.Run(limit)
			stops[stop]++
			if o.cpu.Halted && stop == StopLimit {
				halted++
			}
			want := StopLimit
			if theirT < limit {
				for {
					theirT += uint64(o.stepOracle())
					if pc := o.z.Get(z80ex.PC); slices.Contains(traps, pc) {
						want = StopTrap
						break
					}
					if theirT >= limit {
						break
					}
				}
			}
			what := func() string {
				return fmt.Sprintf("program %d Run(%d) #%d from %s, traps %04X", p, limit, r, before, traps)
			}
			if stop != want || o.cpu.T != theirT {
				o.diffs++
				t.Errorf("%s: %v at T=%d, oracle %v at T=%d", what(), stop, o.cpu.T, want, theirT)
				break
			}
			o.compare(0, 0, what)
		}
		for _, a := range traps {
			o.cpu.SetTrap(a, false)
		}
	}
	t.Logf("%d Run calls compared (%d stopped at the limit, %d of them halted; %d at a trap), %d differences",
		o.count, stops[StopLimit], halted, stops[StopTrap], o.diffs)
}

// BenchmarkOracleSpeed runs the multiply/accumulate workload on z80.CPU and
// on libz80ex (its callbacks and the stepping loop in C) in alternating
// chunks and reports both speeds in emulated T-states per second of the
// thread's CPU time (so that other load on the host does not skew the
// ratio), and their ratio.
func BenchmarkOracleSpeed(b *testing.B) {
	const chunk = 2_000_000
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c := newMACMachine()
	z, err := z80ex.New()
	if err != nil {
		b.Fatal(err)
	}
	defer z.Close()
	*z80ex.Mem = c.Mem
	z.Set(z80ex.PC, 0)
	var oursT, theirsT uint64
	var oursD, theirsD time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := z80ex.ThreadCPUTime()
		t0 := c.T
		c.Run(c.T + chunk)
		oursT += c.T - t0
		mid := z80ex.ThreadCPUTime()
		theirsT += z.Run(chunk)
		oursD += mid - start
		theirsD += z80ex.ThreadCPUTime() - mid
	}
	ours := float64(oursT) / oursD.Seconds() / 1e6
	theirs := float64(theirsT) / theirsD.Seconds() / 1e6
	b.ReportMetric(ours, "ours-Mtstates/s")
	b.ReportMetric(theirs, "z80ex-Mtstates/s")
	b.ReportMetric(ours/theirs, "ratio")
}
