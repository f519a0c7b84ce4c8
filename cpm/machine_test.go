package cpm

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"z80lm/z80"
)

func TestPageZero(t *testing.T) {
	m, err := New(Config{Program: []byte{0xC9}})
	if err != nil {
		t.Fatal(err)
	}
	mem := m.CPU.Mem[:]
	checks := []struct {
		name string
		addr int
		want []byte
	}{
		{"warm boot JP F203h", 0x0000, []byte{0xC3, 0x03, 0xF2}},
		{"BDOS JP E406h", 0x0005, []byte{0xC3, 0x06, 0xE4}},
		{"RET at BDOS entry", 0xE406, []byte{0xC9}},
		{"BIOS BOOT entry", 0xF200, []byte{0xC3, 0x33, 0xF2}},
		{"BIOS WBOOT entry", 0xF203, []byte{0xC3, 0x34, 0xF2}},
		{"BIOS SECTRAN entry", 0xF230, []byte{0xC3, 0x43, 0xF2}},
		{"BIOS RET stubs", 0xF233, bytes.Repeat([]byte{0xC9}, 17)},
		{"return address 0000h on the stack", 0xE3FE, []byte{0, 0}},
		{"program", 0x0100, []byte{0xC9}},
		{"empty tail", 0x0080, []byte{0, 0}},
		{"blank FCB 1", 0x005C, []byte("\x00           \x00\x00\x00\x00")},
		{"blank FCB 2", 0x006C, []byte("\x00           \x00\x00\x00\x00")},
	}
	for _, c := range checks {
		if got := mem[c.addr : c.addr+len(c.want)]; !bytes.Equal(got, c.want) {
			t.Errorf("%s at %04Xh: got % X, want % X", c.name, c.addr, got, c.want)
		}
	}
	if c := m.CPU; c.PC != 0x0100 || c.SP != 0xE3FE {
		t.Errorf("PC=%04Xh SP=%04Xh, want 0100h E3FEh", c.PC, c.SP)
	}
}

func TestCommandTailAndFCBs(t *testing.T) {
	blank := "\x00           \x00\x00\x00\x00"
	cases := []struct {
		tail       string
		buf        string // 0080h: length byte, text, terminating zero
		fcb1, fcb2 string
	}{
		{"", "\x00\x00", blank, blank},
		{"foo.txt b:bar.dat", "\x12 FOO.TXT B:BAR.DAT\x00",
			"\x00FOO     TXT\x00\x00\x00\x00", "\x02BAR     DAT\x00\x00\x00\x00"},
		{"*.c", "\x04 *.C\x00", "\x00????????C  \x00\x00\x00\x00", blank},
		{"a*.* c:x*", "\x0A A*.* C:X*\x00",
			"\x00A??????????\x00\x00\x00\x00", "\x03X???????   \x00\x00\x00\x00"},
		{"verylongname.text x", "\x14 VERYLONGNAME.TEXT X\x00",
			"\x00VERYLONGTEX\x00\x00\x00\x00", "\x00X          \x00\x00\x00\x00"},
		{"  two  spaces", "\x0E   TWO  SPACES\x00",
			"\x00TWO        \x00\x00\x00\x00", "\x00SPACES     \x00\x00\x00\x00"},
		{"a=b", "\x04 A=B\x00", "\x00A          \x00\x00\x00\x00", blank},
		{"hello world", "\x0C HELLO WORLD\x00",
			"\x00HELLO      \x00\x00\x00\x00", "\x00WORLD      \x00\x00\x00\x00"},
	}
	for _, c := range cases {
		var buf, fcb1, fcb2 []byte
		var cr byte = 0xFF
		// Read page zero the way a program sees it: when it starts.
		m, err := New(Config{Program: prog{}.ret(), Tail: c.tail})
		if err != nil {
			t.Fatal(err)
		}
		m.Hook(0x0100, func(cpu *z80.CPU) {
			buf = append([]byte(nil), cpu.Mem[0x80:0x80+len(c.buf)]...)
			fcb1 = append([]byte(nil), cpu.Mem[0x5C:0x6C]...)
			fcb2 = append([]byte(nil), cpu.Mem[0x6C:0x7C]...)
			cr = cpu.Mem[0x7C]
		})
		if err := m.Run(); err != nil {
			t.Fatal(err)
		}
		if string(buf) != c.buf {
			t.Errorf("tail %q: 0080h = %q, want %q", c.tail, buf, c.buf)
		}
		if string(fcb1) != c.fcb1 {
			t.Errorf("tail %q: FCB 1 = %q, want %q", c.tail, fcb1, c.fcb1)
		}
		if string(fcb2) != c.fcb2 {
			t.Errorf("tail %q: FCB 2 = %q, want %q", c.tail, fcb2, c.fcb2)
		}
		if cr != 0 {
			t.Errorf("tail %q: FCB 1 current record = %02Xh, want 0", c.tail, cr)
		}
	}
}

func TestTailTooLong(t *testing.T) {
	_, err := New(Config{Tail: strings.Repeat("x", 126)})
	if err == nil || !strings.Contains(err.Error(), "1 too many") {
		t.Fatalf("err = %v, want a tail-too-long error", err)
	}
}

func TestProgramTooBig(t *testing.T) {
	_, err := New(Config{Program: make([]byte, MaxProgram+10)})
	if err == nil || !strings.Contains(err.Error(), "10 too many") {
		t.Fatalf("err = %v, want a too-big error saying by how much", err)
	}
	if _, err := New(Config{Program: make([]byte, MaxProgram)}); err != nil {
		t.Fatalf("a program of exactly %d bytes: %v", MaxProgram, err)
	}
}

// A program that prints through BDOS 2 and ends with RET.
func TestPrintAndReturn(t *testing.T) {
	p := prog{}.ldC(2).ldE('H').call(5).ldC(2).ldE('I').call(5).ret()
	m, out := run(t, p, Config{})
	if out != "HI" {
		t.Errorf("output %q, want %q", out, "HI")
	}
	if r := m.ExitReason(); r != "warm boot" {
		t.Errorf("exit reason %q, want warm boot", r)
	}
}

// T-state accounting, counted from the Zilog manual.
func TestTStateAccounting(t *testing.T) {
	cases := []struct {
		name   string
		p      prog
		tstate uint64
		out    string
	}{
		// LD C,2 (7) + LD E,'A' (7) + CALL 0005h (17) + JP E406h (10) +
		// RET (10) + RET (10) + JP F203h at 0000h (10), then the warm-boot
		// entry ends the run.
		{"BDOS 2 then RET", prog{}.ldC(2).ldE('A').call(5).ret(), 71, "A"},
		// JP 0000h (10) + JP F203h (10).
		{"JP 0000h", prog{}.jp(0), 20, ""},
		// LD C,0 (7) + CALL 0005h (17) + JP E406h (10); BDOS 0 ends it at
		// E406h before the RET.
		{"BDOS 0", prog{}.ldC(0).call(5), 34, ""},
		// LD C,'X' (7) + CALL F20Ch (17) + JP F237h (10) + RET (10) + RET (10) + JP (10).
		{"BIOS CONOUT", prog{}.ldC('X').call(0xF20C).ret(), 64, "X"},
	}
	for _, c := range cases {
		m, out := run(t, c.p, Config{})
		if got := m.Stats().TStates; got != c.tstate {
			t.Errorf("%s: %d T-states, want %d", c.name, got, c.tstate)
		}
		if out != c.out {
			t.Errorf("%s: output %q, want %q", c.name, out, c.out)
		}
	}
}

func TestOutputTimes(t *testing.T) {
	type ev struct {
		b byte
		t uint64
	}
	var evs []ev
	p := prog{}.ldC(2).ldE('A').call(5).ldC(2).ldE('B').call(5).ret()
	run(t, p, Config{OnOutput: func(b byte, t uint64) { evs = append(evs, ev{b, t}) }})
	// 'A' at the first trap: 7+7+17+10 = 41; 'B' after RET (10) and
	// another 7+7+17+10: 41+10+41 = 92.
	want := []ev{{'A', 41}, {'B', 92}}
	if len(evs) != 2 || evs[0] != want[0] || evs[1] != want[1] {
		t.Errorf("output events %v, want %v", evs, want)
	}
}

func TestTStateLimit(t *testing.T) {
	m, err := New(Config{Program: []byte{0x18, 0xFE}, MaxTStates: 1000}) // JR $ (12 T)
	if err != nil {
		t.Fatal(err)
	}
	err = m.Run()
	if !errors.Is(err, ErrTStateLimit) {
		t.Fatalf("Run = %v, want ErrTStateLimit", err)
	}
	for _, s := range []string{"1000", "PC=0100h"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("message %q does not mention %q", err, s)
		}
	}
	// 1000 is not a multiple of 12: it stops after the JR that crosses it.
	if got := m.CPU.T; got != 1008 {
		t.Errorf("stopped at %d T-states, want 1008", got)
	}
	if m.State() != Exited {
		t.Errorf("state %v, want exited", m.State())
	}
	if st, err2 := m.RunFor(100); st != Exited || !errors.Is(err2, ErrTStateLimit) {
		t.Errorf("RunFor after the limit = %v, %v", st, err2)
	}
}

func TestHalt(t *testing.T) {
	m, err := New(Config{Program: []byte{0xF3, 0x76}}) // DI; HALT
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(); !errors.Is(err, ErrHalted) || !strings.Contains(err.Error(), "PC=0101h") {
		t.Fatalf("Run = %v, want ErrHalted at 0101h", err)
	}
	if got := m.Stats().TStates; got != 8 { // DI 4, HALT 4: not the idle cycles after it
		t.Errorf("%d T-states, want 8", got)
	}
}

func TestHookSeesRegisters(t *testing.T) {
	// 0100: LD DE,1234h; 0103: LD C,9Ah; 0105: RET
	p := prog{}.ldDE(0x1234).ldC(0x9A).ret()
	m, err := New(Config{Program: p})
	if err != nil {
		t.Fatal(err)
	}
	var de uint16
	var c byte
	calls := 0
	m.Hook(0x0105, func(cpu *z80.CPU) { de, c = cpu.DE(), cpu.C; calls++ })
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	if calls != 1 || de != 0x1234 || c != 0x9A {
		t.Errorf("hook called %d times with DE=%04Xh C=%02Xh", calls, de, c)
	}
}

func TestUnknownBDOSNotedOnce(t *testing.T) {
	var stderr bytes.Buffer
	// Call BDOS 99 twice, storing A after each: 0200h, 0201h.
	p := prog{}.ldC(99).call(5).ldMemA(0x200).ldC(99).call(5).ldMemA(0x201).ret()
	m, _ := run(t, p, Config{Stderr: &stderr})
	if n := strings.Count(stderr.String(), "BDOS function 99"); n != 1 {
		t.Errorf("stderr %q: %d notes, want 1", stderr.String(), n)
	}
	if m.CPU.Mem[0x200] != 0 || m.CPU.Mem[0x201] != 0 || m.CPU.HL() != 0 {
		t.Errorf("unknown call returned A=%02X,%02X HL=%04X", m.CPU.Mem[0x200], m.CPU.Mem[0x201], m.CPU.HL())
	}
}

func TestVersion(t *testing.T) {
	var a, b byte
	var hl uint16
	m, err := New(Config{Program: prog{}.ldC(12).call(5).ret()})
	if err != nil {
		t.Fatal(err)
	}
	m.Hook(0x0105, func(cpu *z80.CPU) { a, b, hl = cpu.A, cpu.B, cpu.HL() })
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	if a != 0x22 || b != 0 || hl != 0x0022 {
		t.Errorf("BDOS 12: A=%02Xh B=%02Xh HL=%04Xh, want 22h 00h 0022h", a, b, hl)
	}
}
