package cpm

import (
	"errors"
	"strings"
	"testing"

	"z80lm/z80"
)

// readLineProg prints prompt with BDOS 9 (unless empty), reads a line with
// BDOS 10 into a buffer of max characters at 0200h and returns.
func readLineProg(prompt string, max byte) prog {
	p := prog{}
	if prompt != "" {
		p = p.bdos(9, 0x0180) // LD C,9; LD DE,0180h; CALL 0005h
	}
	p = p.bdos(10, 0x0200).ret() // LD C,10; LD DE,0200h; CALL 0005h; RET
	p = append(p.at(0x0180), prompt+"$"...)
	return append(p.at(0x0200), max)
}

// The echo expected below follows CP/M 2.2's BDOS: typed characters are
// echoed (control characters as ^X), the line ends with a lone CR, ^H backs
// up with BS-space-BS, DEL re-echoes the deleted character, ^U and ^R print
// "#" and a new line.
func TestReadBuffer(t *testing.T) {
	cases := []struct {
		name   string
		prompt string
		max    byte
		in     string
		line   string // what the buffer holds
		echo   string // everything printed, prompt included
	}{
		{"plain", "", 20, "hello\n", "hello", "hello\r"},
		{"CR LF from a pipe", "", 20, "hi\r\n", "hi", "hi\r"},
		{"line at end of input without newline", "", 20, "hi", "hi", "hi\r"},
		{"empty line", "", 20, "\n", "", "\r"},
		{"backspace", "", 20, "abc\bd\n", "abd", "abc\b \bd\r"},
		{"delete echoes the deleted character", "", 20, "abc\x7fd\n", "abd", "abccd\r"},
		{"editing keys on an empty line do nothing", "", 20, "\b\x7fab\n", "ab", "ab\r"},
		{"over-long line is cut to the buffer", "", 4, "abcdefgh\n", "abcd", "abcd\r"},
		{"editing still works on a full buffer", "", 3, "abcd\bX\n", "abX", "abc\b \bX\r"},
		{"zero-length buffer", "", 0, "abc\n", "", "\r"},
		{"Ctrl-C later in the line is a character", "", 20, "a\x03b\n", "a\x03b", "a^Cb\r"},
		{"control character shown as ^A, erased as two columns", "", 20, "a\x01\b\n", "a", "a^A\b \b\b \b\r"},
		{"tab stored, echoed as blanks, erased to its start", "", 20, "a\tb\bc\n", "a\tc", "a       b\b \bc\r"},
		{"tab expansion counts the prompt", "> ", 20, "\tx\n", "\tx", ">       x\r"},
		{"parity bit masked", "", 20, "\xc1\n", "A", "A\r"},
		{"^X erases the line", "> ", 20, "ab\x18cd\n", "cd", "> ab\b \b\b \bcd\r"},
		{"^U starts again on a new line under the start column", "> ", 20, "ab\x15cd\n", "cd", "> ab#\r\n  cd\r"},
		{"^R retypes the line", "> ", 20, "ab\x12c\n", "abc", "> ab#\r\n  abc\r"},
		{"^E breaks the physical line", "", 20, "ab\x05cd\n", "abcd", "ab\r\ncd\r"},
		{"^P is not stored", "", 20, "a\x10b\n", "ab", "ab\r"},
	}
	for _, c := range cases {
		m, out := run(t, readLineProg(c.prompt, c.max), Config{Input: input(c.in)})
		if out != c.echo {
			t.Errorf("%s: echo %q, want %q", c.name, out, c.echo)
		}
		mem := m.CPU.Mem[0x200:]
		if got := string(mem[2 : 2+int(mem[1])]); got != c.line || mem[0] != c.max {
			t.Errorf("%s: buffer max %d count %d %q, want max %d %q", c.name, mem[0], mem[1], got, c.max, c.line)
		}
		if r := m.ExitReason(); r != "warm boot" {
			t.Errorf("%s: exit reason %q", c.name, r)
		}
	}
}

func TestReadBufferCtrlCWarmBoots(t *testing.T) {
	for _, in := range []string{"\x03", "\x03abc\n", "ab\x18\x03"} {
		p := readLineProg("", 20)
		m, err := New(Config{Program: p, Input: input(in)})
		if err != nil {
			t.Fatal(err)
		}
		returned := false
		m.Hook(0x0108, func(*z80.CPU) { returned = true }) // the RET after CALL 0005h
		if err := m.Run(); err != nil {
			t.Fatal(err)
		}
		if returned || !strings.Contains(m.ExitReason(), "Ctrl-C") {
			t.Errorf("input %q: returned=%v, exit reason %q; want a warm boot from BDOS 10", in, returned, m.ExitReason())
		}
	}
}

func TestPrintString(t *testing.T) {
	cases := []struct{ s, out string }{
		{"Hello$World$", "Hello"},
		{"$", ""},
		{"A\tB$", "A       B"},                // tab to column 8
		{"1234567\tX\t$", "1234567 X       "}, // one blank, then eight
		{"ab\r\n\tc$", "ab\r\n        c"},     // LF resets the column
		{"ab\b\tc$", "ab\b       c"},          // BS takes a column back
		{"\x01\tx$", "\x01        x"},         // other control characters take none
	}
	for _, c := range cases {
		p := prog{}.bdos(9, 0x0180).ret()
		p = append(p.at(0x0180), c.s...)
		if _, out := run(t, p, Config{}); out != c.out {
			t.Errorf("BDOS 9 %q: %q, want %q", c.s, out, c.out)
		}
	}
}

func TestPrintStringWithoutDollar(t *testing.T) {
	m, err := New(Config{Program: prog{}.bdos(9, 0x8000).ret()})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(); !errors.Is(err, ErrUnterminated) || !strings.Contains(err.Error(), "DE=8000h") {
		t.Fatalf("Run = %v, want ErrUnterminated naming DE", err)
	}
}

// A '$' found by going round the end of memory.
func TestPrintStringWraps(t *testing.T) {
	p := prog{}.bdos(9, 0xFFFE).ret()
	m, err := New(Config{Program: p})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	m.cfg.Output = &out
	m.CPU.Mem[0xFFFE], m.CPU.Mem[0xFFFF] = 'A', 'B'
	m.CPU.Mem[0x0000] = '$' // replaces the JP of the warm boot
	m.Hook(0x0108, func(cpu *z80.CPU) { cpu.PC = 0xF203 })
	if err := m.Run(); err != nil || out.String() != "AB" {
		t.Fatalf("Run = %v, output %q, want AB", err, out.String())
	}
}

func TestConsoleInputAndStatus(t *testing.T) {
	// Each call stores A at 0200h, 0201h, ... (LD (nn),A after CALL 0005h).
	p := prog{}.
		ldC(11).call(5).ldMemA(0x200).          // status: nothing typed yet: 00h
		ldC(1).call(5).ldMemA(0x201).           // reads 'a' of "ab\r", echoes it
		ldC(11).call(5).ldMemA(0x202).          // 'b' is waiting: 01h
		ldC(6).ldE(0xFF).call(5).ldMemA(0x203). // direct input 'b', no echo
		ldC(6).ldE(0xFE).call(5).ldMemA(0x204). // CR waiting: FFh
		ldC(1).call(5).ldMemA(0x205).           // CR, echoed
		ldC(6).ldE('!').call(5).                // direct output
		ldC(6).ldE(0xFE).call(5).ldMemA(0x206). // status does not read the next line: 00h
		ldC(6).ldE(0xFF).call(5).ldMemA(0x207). // direct input reads it: ^A, no echo
		ldC(1).call(5).ldMemA(0x208).           // CR, echoed
		ldC(1).call(5).ldMemA(0x209).           // tab of the last line, echoed as blanks
		ldC(6).ldE(0xFF).call(5).ldMemA(0x20A). // CR
		ldC(6).ldE(0xFF).call(5).ldMemA(0x20B). // end of input: 00h
		ret()
	m, out := run(t, p, Config{Input: input("ab\n\x01\n\t\n")})
	want := []byte{0, 'a', 1, 'b', 0xFF, '\r', 0, 0x01, '\r', '\t', '\r', 0}
	if got := m.CPU.Mem[0x200 : 0x200+len(want)]; string(got) != string(want) {
		t.Errorf("results % X, want % X", got, want)
	}
	// The tab starts at column 1: CR does not reset the column (LF does)
	// and direct output (BDOS 6) does not count.
	if want := "a\r!\r       "; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
}

func TestBIOSConsole(t *testing.T) {
	// CALL F206h (CONST); LD (0200h),A; CALL F209h (CONIN); LD (0201h),A;
	// CALL F206h; LD (0202h),A; LD C,A... then CONOUT of 'Z'; RET.
	p := prog{}.call(0xF206).ldMemA(0x200).call(0xF209).ldMemA(0x201).
		call(0xF206).ldMemA(0x202).ldC('Z').call(0xF20C).ret()
	m, out := run(t, p, Config{Input: input("xy\n")})
	want := []byte{0, 'x', 0xFF}
	if got := m.CPU.Mem[0x200:0x203]; string(got) != string(want) {
		t.Errorf("results % X, want % X", got, want)
	}
	if out != "Z" {
		t.Errorf("output %q, want Z (CONIN does not echo)", out)
	}
}

// Two lines, each submitted through BDOS 10 and answered with one '*'.
//
//	0100: LD DE,0180h   10
//	0103: LD C,10        7
//	0105: CALL 0005h    17   (+ JP E406h 10 + RET 10)
//	0108: LD E,'*'       7
//	010A: LD C,2         7
//	010C: CALL 0005h    17   (+ JP 10 + RET 10)
//	010F: JR 0100h      12
func statsProg() prog {
	p := prog{}.ldDE(0x0180).ldC(10).call(5).ldE('*').ldC(2).call(5)
	p = append(p, 0x18, 0xEF) // JR 0100h
	return append(p.at(0x0180), 40)
}

func TestStats(t *testing.T) {
	m, out := run(t, statsProg(), Config{Input: input("hello\nabcdefghij\x7f\n")})
	if r := m.ExitReason(); r != "input exhausted" {
		t.Errorf("exit reason %q, want input exhausted", r)
	}
	if want := "hello\r*abcdefghijj\r*"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	// From the BDOS 10 trap that submits a line: RET 10, LD E 7, LD C 7,
	// CALL 17, JP 10, RET 10, JR 12, LD DE 10, LD C 7, CALL 17, JP 10 = 117
	// to the next BDOS 10 trap.
	s := m.Stats()
	want := []LineStat{
		{Input: "hello", TStates: 117, Chars: 1, Output: "*"},
		{Input: "abcdefghi", TStates: 117, Chars: 1, Output: "*"},
	}
	if len(s.Lines) != len(want) {
		t.Fatalf("lines %+v, want %+v", s.Lines, want)
	}
	for i := range want {
		if s.Lines[i] != want[i] {
			t.Errorf("line %d: %+v, want %+v", i, s.Lines[i], want[i])
		}
	}
	// LD DE 10 + LD C 7 + CALL 17 + JP 10 to the first trap, then 117 per line.
	if s.TStates != 44+2*117 {
		t.Errorf("total %d T-states, want %d", s.TStates, 44+2*117)
	}
}

// The browser drives the machine a slice at a time and feeds keys.
func TestStepwiseFeed(t *testing.T) {
	var out strings.Builder
	m, err := New(Config{Program: statsProg(), Output: &out})
	if err != nil {
		t.Fatal(err)
	}
	step := func(feed string, want State) {
		t.Helper()
		if feed != "" {
			m.Feed([]byte(feed))
		}
		var st State
		for i := 0; i < 100; i++ {
			if st, err = m.RunFor(5); err != nil || st != Running {
				break
			}
		}
		if err != nil || st != want {
			t.Fatalf("after feeding %q: state %v, err %v; want %v", feed, st, err, want)
		}
	}
	step("", WaitingInput)
	step("h", WaitingInput) // half a line: BDOS 10 keeps waiting
	step("i\b", WaitingInput)
	step("o\r", WaitingInput)
	if want := "hi\b \bo\r*"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	if l := m.Stats().Lines; len(l) != 1 || l[0].Input != "ho" || l[0].TStates != 117 {
		t.Errorf("lines %+v", l)
	}
	m.EndInput()
	if m.State() != Exited || m.ExitReason() != "input exhausted" {
		t.Errorf("after EndInput: %v, %q", m.State(), m.ExitReason())
	}
}

// Run without any input source: the first input request ends the run.
func TestNoInput(t *testing.T) {
	m, _ := run(t, statsProg(), Config{})
	if m.ExitReason() != "input exhausted" || m.Stats().TStates != 44 {
		t.Errorf("exit %q after %d T-states", m.ExitReason(), m.Stats().TStates)
	}
}

// ^S pauses BDOS output until the next key, which is dropped; ^C then
// warm-boots.
func TestCtrlSPause(t *testing.T) {
	// 0100: LD C,1; CALL 0005h (reads 'a'); LD C,2; LD E,'Z'; CALL 0005h;
	// LD C,11; CALL 0005h; LD (0200h),A; LD C,1; CALL 0005h; LD (0201h),A; RET
	p := prog{}.ldC(1).call(5).ldC(2).ldE('Z').call(5).
		ldC(11).call(5).ldMemA(0x200).ldC(1).call(5).ldMemA(0x201).ret()
	var out strings.Builder
	m, err := New(Config{Program: p, Output: &out})
	if err != nil {
		t.Fatal(err)
	}
	m.Feed([]byte("a\x13"))
	if st, err := m.RunFor(1000); st != WaitingInput || err != nil || out.String() != "a" {
		t.Fatalf("after a ^S: %v %v, output %q; want waiting with only the echo", st, err, out.String())
	}
	m.Feed([]byte("q\x13xy")) // q resumes; ^S x pause BDOS 11 and x is dropped; y stays
	if st, err := m.RunFor(1000); st != Exited || err != nil {
		t.Fatalf("state %v, %v", st, err)
	}
	if out.String() != "aZy" {
		t.Errorf("output %q, want aZy", out.String())
	}
	if got := m.CPU.Mem[0x200:0x202]; got[0] != 0 || got[1] != 'y' {
		t.Errorf("BDOS 11 after a pause = %02Xh (want 0), then read %q (want y)", got[0], got[1])
	}

	m, err = New(Config{Program: p, Input: input("a\x13\x03\n")})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(); err != nil || m.ExitReason() != "warm boot (Ctrl-C after Ctrl-S)" {
		t.Errorf("^S ^C: %v, exit %q", err, m.ExitReason())
	}
}
