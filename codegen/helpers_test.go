package codegen

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"z80lm/cpm"
	"z80lm/internal/reftest"
	"z80lm/lm"
	"z80lm/z80"
)

// loadRef reads a reference model and its golden query|reply lines.
func loadRef(t testing.TB, name string) (*lm.Model, []reftest.Case) {
	t.Helper()
	m, err := lm.Load(reftest.Model(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return m, reftest.Golden(t, name)
}

// prepare turns a typed line into the query the model sees: trimmed and
// upper-cased like the data loader, cut to lm.MaxQuery like z80lm chat.
func prepare(q string) string {
	q = strings.ToUpper(strings.Trim(q, " \t\r\n\v\f"))
	return q[:min(len(q), lm.MaxQuery)]
}

// reference is the Go reference reply to a query as typed.
func reference(m *lm.Model, q string) string { return m.Reply(prepare(q)) }

// chat runs com with the queries as console lines followed by "!" and
// returns the reply printed for each line and the machine.
func chat(t testing.TB, com []byte, queries []string, hooks map[uint16]func(*z80.CPU)) ([]string, *cpm.Machine) {
	t.Helper()
	return chatBelow(t, com, queries, hooks, 0)
}

// chatBelow is chat on a smaller system whose BDOS entry is at top (0:
// the usual one).
func chatBelow(t testing.TB, com []byte, queries []string, hooks map[uint16]func(*z80.CPU), top int) ([]string, *cpm.Machine) {
	t.Helper()
	in := strings.Join(queries, "\n") + "\n!\n"
	var out bytes.Buffer
	// A reply of 50 characters with the compact kernel takes about 100 M
	// T-states; a broken program stops here instead of running for hours.
	limit := uint64(len(queries)+1) << 28
	mc, err := cpm.New(cpm.Config{Program: com, Input: strings.NewReader(in), Output: &out, MaxTStates: limit})
	if err != nil {
		t.Fatal(err)
	}
	if top != 0 {
		lowerBDOS(mc, top)
	}
	for a, fn := range hooks {
		mc.Hook(a, fn)
	}
	if err := mc.Run(); err != nil {
		t.Fatalf("run: %v (output so far %q)", err, tailOf(out.String()))
	}
	lines := mc.Stats().Lines
	if len(lines) != len(queries)+1 {
		t.Fatalf("%d lines read, want %d (exit: %s; output ends %q)", len(lines), len(queries)+1, mc.ExitReason(), tailOf(out.String()))
	}
	replies := make([]string, len(queries))
	for i := range queries {
		replies[i] = replyOf(t, lines[i].Output)
	}
	return replies, mc
}

// replyOf extracts the reply from what the program printed after a line:
// CR LF, the reply, CR LF, the next prompt.
func replyOf(t testing.TB, s string) string {
	t.Helper()
	r, ok := strings.CutPrefix(s, "\r\n")
	if !ok {
		t.Fatalf("output %q does not start a new line", s)
	}
	r, rest, ok := strings.Cut(r, "\r\n")
	if !ok || rest != "> " {
		t.Fatalf("output %q is not reply, CR LF, prompt", s)
	}
	return r
}

func tailOf(s string) string {
	if len(s) > 200 {
		return s[len(s)-200:]
	}
	return s
}

// randomModel makes a model with the given hidden widths and charset size,
// with weights of the given density and biases spread over the whole int16
// range, so that accumulators wrap and hidden values get large.
func randomModel(rng *rand.Rand, hidden []int, nchars int, density float64, biasScale int) *lm.Model {
	m := &lm.Model{}
	printable := []byte(" ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!?.,'-:;()/&%$#@*+=<>[]^_{}|~\"")
	m.Charset = append(append([]byte(nil), printable[:nchars-1]...), lm.EOS)
	sizes := append(append([]int{lm.InputSize}, hidden...), nchars)
	for k := 1; k < len(sizes); k++ {
		l := lm.Layer{In: sizes[k-1], Out: sizes[k], Bits: 2, Shift: 2}
		l.W = make([]int8, l.In*l.Out)
		for i := range l.W {
			if rng.Float64() < density {
				l.W[i] = int8(rng.IntN(4)) - 2
				if l.W[i] == 0 {
					l.W[i] = 1
				}
			}
		}
		l.B = make([]int16, l.Out)
		for o := range l.B {
			switch rng.IntN(8) {
			case 0:
				l.B[o] = 32767
			case 1:
				l.B[o] = -32768
			default:
				l.B[o] = int16(rng.IntN(2*biasScale+1) - biasScale)
			}
		}
		m.Layers = append(m.Layers, l)
	}
	return m
}

// randomQueries makes n queries of letters, digits, blanks and punctuation.
func randomQueries(rng *rand.Rand, n int) []string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789    ?.,'"
	q := make([]string, n)
	for i := range q {
		b := make([]byte, 1+rng.IntN(75))
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		q[i] = strings.TrimLeft(string(b), " ")
		if q[i] == "" {
			q[i] = "x"
		}
	}
	return q
}

// lowerBDOS makes mc a smaller system: the BDOS entry (the JP at 0005h)
// at top.
func lowerBDOS(mc *cpm.Machine, top int) {
	mem := &mc.CPU.Mem
	mem[6], mem[7] = byte(top), byte(top>>8)
	bdos := uint16(cpm.BDOS)
	mem[top], mem[top+1], mem[top+2] = 0xC3, byte(bdos), byte(bdos>>8)
}

// callAlone runs the routine at label of p by itself: the program loaded,
// registers and memory set by setup, then a call with a return to 0000h.
// It fails the test (naming the case what) unless the routine returns
// within limit T-states, and returns the CPU as the routine left it.
func callAlone(t *testing.T, p *Program, label, what string, limit uint64, setup func(*z80.CPU)) *z80.CPU {
	t.Helper()
	cpu := z80.New()
	copy(cpu.Mem[0x100:], p.COM)
	cpu.SP = 0xE000
	cpu.Mem[0xE000], cpu.Mem[0xE001] = 0, 0 // return to 0000h
	cpu.PC = uint16(p.Symbols[label])
	setup(cpu)
	cpu.SetTrap(0, true)
	if stop := cpu.Run(limit); stop != z80.StopTrap {
		t.Fatalf("%s: %s did not return (%v)", what, label, stop)
	}
	return cpu
}
