package z80

import "testing"

// Hand-written cases; expected values are from the Zilog Z80 CPU User
// Manual (UM0080) instruction descriptions and worked out by hand.

// load returns a CPU with code at 0000h, SP at 8000h and registers cleared.
func load(code ...byte) *CPU {
	c := New()
	copy(c.Mem[:], code)
	c.SP = 0x8000
	c.SetAF(0)
	c.SetBC(0)
	c.SetDE(0)
	c.SetHL(0)
	return c
}

// steps runs n Steps and returns the T-states of each.
func steps(c *CPU, n int) []int {
	ts := make([]int, n)
	for i := range ts {
		ts[i] = c.Step()
	}
	return ts
}

func TestTimingsFromManual(t *testing.T) {
	tests := []struct {
		name  string
		code  []byte
		setup func(c *CPU)
		want  []int // T-states of successive Steps
		pc    uint16
	}{
		{"JR Z taken", []byte{0x28, 0x05}, func(c *CPU) { c.F = FlagZ }, []int{12}, 0x0007},
		{"JR Z not taken", []byte{0x28, 0x05}, nil, []int{7}, 0x0002},
		{"JR e", []byte{0x18, 0xFE}, nil, []int{12}, 0x0000},
		{"DJNZ loops then falls through", []byte{0x10, 0xFE}, func(c *CPU) { c.B = 3 }, []int{13, 13, 8}, 0x0002},
		{"JP NZ not taken is still 10", []byte{0xC2, 0x34, 0x12}, func(c *CPU) { c.F = FlagZ }, []int{10}, 0x0003},
		{"CALL NZ taken", []byte{0xC4, 0x34, 0x12}, nil, []int{17}, 0x1234},
		{"CALL NZ not taken", []byte{0xC4, 0x34, 0x12}, func(c *CPU) { c.F = FlagZ }, []int{10}, 0x0003},
		{"RET C taken", []byte{0xD8}, func(c *CPU) { c.F = FlagC; c.SP = 0x7FFE; c.Mem[0x7FFE] = 0x78; c.Mem[0x7FFF] = 0x56 }, []int{11}, 0x5678},
		{"RET C not taken", []byte{0xD8}, nil, []int{5}, 0x0001},
		{"LDIR: 21 per repeat, 16 last", []byte{0xED, 0xB0}, func(c *CPU) { c.SetBC(3); c.SetHL(0x4000); c.SetDE(0x5000) }, []int{21, 21, 16}, 0x0002},
		{"CPIR stops on match", []byte{0xED, 0xB1}, func(c *CPU) { c.SetBC(5); c.SetHL(0x4000); c.A = 7; c.Mem[0x4001] = 7 }, []int{21, 16}, 0x0002},
		{"LD A,(IX+d)", []byte{0xDD, 0x7E, 0x05}, nil, []int{19}, 0x0003},
		{"INC (IX+d)", []byte{0xDD, 0x34, 0x05}, nil, []int{23}, 0x0003},
		{"BIT 0,(IX+d)", []byte{0xDD, 0xCB, 0x05, 0x46}, nil, []int{20}, 0x0004},
		{"SET 0,(IX+d)", []byte{0xDD, 0xCB, 0x05, 0xC6}, nil, []int{23}, 0x0004},
		{"BIT 0,(HL)", []byte{0xCB, 0x46}, nil, []int{12}, 0x0002},
		{"RLC (HL)", []byte{0xCB, 0x06}, nil, []int{15}, 0x0002},
		{"EX (SP),HL", []byte{0xE3}, nil, []int{19}, 0x0001},
		{"EX (SP),IX", []byte{0xDD, 0xE3}, nil, []int{23}, 0x0002},
		{"LD (nn),DE", []byte{0xED, 0x53, 0x00, 0x40}, nil, []int{20}, 0x0004},
		{"ADC HL,BC", []byte{0xED, 0x4A}, nil, []int{15}, 0x0002},
		{"RLD", []byte{0xED, 0x6F}, nil, []int{18}, 0x0002},
		{"LD A,I", []byte{0xED, 0x57}, nil, []int{9}, 0x0002},
		{"DD before a plain opcode costs 4", []byte{0xDD, 0x00}, nil, []int{8}, 0x0002},
		{"undefined ED opcode is an 8 T NOP", []byte{0xED, 0x00}, nil, []int{8}, 0x0002},
		{"HALT repeats 4 T NOPs in place", []byte{0x76}, nil, []int{4, 4, 4}, 0x0000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := load(tc.code...)
			if tc.setup != nil {
				tc.setup(c)
			}
			got := steps(c, len(tc.want))
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("T-states %v, want %v", got, tc.want)
				}
			}
			if c.PC != tc.pc {
				t.Errorf("PC = %04X, want %04X", c.PC, tc.pc)
			}
			sum := 0
			for _, v := range tc.want {
				sum += v
			}
			if c.T != uint64(sum) {
				t.Errorf("T = %d, want %d", c.T, sum)
			}
		})
	}
}

func TestALUFromManual(t *testing.T) {
	tests := []struct {
		name  string
		code  []byte
		a, f  byte // before
		wantA byte
		wantF byte
	}{
		// UM0080 DAA: 15h + 27h = 3Ch in binary, DAA makes it 42h. H is
		// set (low nibble Ch > 9), P/V is the parity of 42h (even).
		{"ADD then DAA", []byte{0xC6, 0x27, 0x27}, 0x15, 0, 0x42, FlagH | FlagP},
		// 42h - 15h = 2Dh; DAA after a subtraction makes it 27h: the
		// half-borrow (H) asks for -6; H' = 0 since the low nibble Dh >= 6;
		// 27h has four 1 bits: P.
		{"SUB then DAA", []byte{0xD6, 0x15, 0x27}, 0x42, 0, 0x27, FlagN | Flag5 | FlagP},
		// 99h + 01h = 9Ah, DAA gives 00h with carry.
		{"DAA carries out", []byte{0xC6, 0x01, 0x27}, 0x99, 0, 0x00, FlagZ | FlagH | FlagP | FlagC},
		// 7Fh + 1 overflows into the sign bit: S, H, V; 80h has bit 5,3 clear.
		{"ADD overflow", []byte{0xC6, 0x01}, 0x7F, 0, 0x80, FlagS | FlagH | FlagP},
		// 80h - 1 = 7Fh overflows: V, H (borrow from bit 4), N; bits 5 and 3 of 7Fh.
		{"SUB overflow", []byte{0xD6, 0x01}, 0x80, 0, 0x7F, FlagH | FlagP | FlagN | Flag5 | Flag3},
		// CP n leaves A; 30h - 28h borrows from bit 4 (H); bits 5 and 3
		// come from the operand (28h), not the result (08h).
		{"CP takes 5/3 from operand", []byte{0xFE, 0x28}, 0x30, 0, 0x30, FlagN | FlagH | Flag5 | Flag3},
		// NEG of 80h is 80h with overflow and carry.
		{"NEG 80h", []byte{0xED, 0x44}, 0x80, 0, 0x80, FlagS | FlagP | FlagN | FlagC},
		// SCF: bits 5 and 3 from A (libz80ex, and the NMOS Z80 after a flag-setting op).
		{"SCF", []byte{0x37}, 0x28, FlagZ, 0x28, FlagZ | Flag5 | Flag3 | FlagC},
		// CCF: H takes the old carry.
		{"CCF", []byte{0x3F}, 0x00, FlagC, 0x00, FlagH},
		// SLL (undocumented CB 37h): shifts left, bit 0 becomes 1.
		{"SLL A", []byte{0xCB, 0x37}, 0x81, 0, 0x03, FlagP | FlagC},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := load(tc.code...)
			c.A, c.F = tc.a, tc.f
			for c.PC < uint16(len(tc.code)) {
				c.Step()
			}
			if c.A != tc.wantA || c.F != tc.wantF {
				t.Errorf("A=%02X F=%08b, want A=%02X F=%08b", c.A, c.F, tc.wantA, tc.wantF)
			}
		})
	}
}

func TestBitFlagsFromMEMPTR(t *testing.T) {
	// LD A,(2800h) sets MEMPTR to 2801h; BIT 0,(HL) then copies bits 5 and 3
	// of MEMPTR's high byte (28h) into F.
	c := load(0x3A, 0x00, 0x28, 0xCB, 0x46)
	c.SetHL(0x4000)
	c.Mem[0x4000] = 0x01
	steps(c, 2)
	if c.WZ != 0x2801 {
		t.Fatalf("MEMPTR = %04X, want 2801", c.WZ)
	}
	if want := FlagH | Flag5 | Flag3; c.F != want {
		t.Errorf("F = %08b, want %08b", c.F, want)
	}
}

func TestRRegister(t *testing.T) {
	// LD R,A with A = FFh, then LD A,R: the ED and 5F fetches count up the
	// low 7 bits only (7Fh -> 00h -> 01h), bit 7 stays: A = 81h.
	c := load(0x3E, 0xFF, 0xED, 0x4F, 0xED, 0x5F)
	steps(c, 3)
	if c.A != 0x81 {
		t.Errorf("LD A,R = %02X, want 81", c.A)
	}
	// Two prefixes count two M1 cycles: DD 21 nn (LD IX,nn) adds 2 to R.
	c = load(0xDD, 0x21, 0x00, 0x00)
	c.Step()
	if c.R != 2 {
		t.Errorf("R after LD IX,nn = %d, want 2", c.R)
	}
}

func TestInterrupts(t *testing.T) {
	t.Run("IM 1", func(t *testing.T) {
		c := load(0xED, 0x56, 0xFB, 0x00, 0x00) // IM 1; EI; NOP; NOP
		steps(c, 2)
		c.Interrupt(0xFF)
		// EI delay: the NOP after EI runs first.
		if got := c.Step(); got != 4 || c.PC != 0x0004 {
			t.Fatalf("after EI: %d T-states, PC %04X; want the NOP (4) at 0003", got, c.PC)
		}
		if got := c.Step(); got != 13 || c.PC != 0x0038 || c.IFF1 || c.IFF2 {
			t.Fatalf("INT: %d T-states, PC %04X, IFF %v/%v; want 13, 0038, off", got, c.PC, c.IFF1, c.IFF2)
		}
		if ret := c.read16(c.SP); ret != 0x0004 {
			t.Errorf("pushed %04X, want 0004", ret)
		}
	})
	t.Run("IM 2", func(t *testing.T) {
		c := load(0xED, 0x5E, 0xFB, 0x00) // IM 2; EI; NOP
		c.I = 0x12
		c.Mem[0x1234], c.Mem[0x1235] = 0x78, 0x56
		steps(c, 3)
		c.Interrupt(0x34)
		if got := c.Step(); got != 19 || c.PC != 0x5678 {
			t.Fatalf("INT: %d T-states, PC %04X; want 19, 5678", got, c.PC)
		}
	})
	t.Run("IM 0 RST", func(t *testing.T) {
		c := load(0xFB, 0x00) // IM 0 after reset; EI; NOP
		steps(c, 2)
		c.Interrupt(0xCF) // RST 08h on the bus
		if got := c.Step(); got != 13 || c.PC != 0x0008 {
			t.Fatalf("INT: %d T-states, PC %04X; want 13, 0008", got, c.PC)
		}
	})
	t.Run("disabled INT waits", func(t *testing.T) {
		c := load(0x00, 0xFB, 0x00, 0x00) // NOP; EI; NOP; NOP
		c.IM = 1
		c.Interrupt(0xFF)
		steps(c, 3)
		if c.PC != 0x0003 {
			t.Fatalf("PC %04X, want 0003: no interrupt before EI and the instruction after it", c.PC)
		}
		c.Step()
		if c.PC != 0x0038 {
			t.Errorf("PC %04X, want 0038", c.PC)
		}
	})
	t.Run("HALT then INT", func(t *testing.T) {
		c := load(0xFB, 0x76) // EI; HALT
		c.IM = 1
		steps(c, 4)
		if !c.Halted || c.PC != 0x0001 {
			t.Fatalf("halted %v at %04X, want true at 0001", c.Halted, c.PC)
		}
		c.Interrupt(0xFF)
		c.Step()
		if c.Halted || c.PC != 0x0038 || c.read16(c.SP) != 0x0002 {
			t.Errorf("halted %v, PC %04X, return %04X; want false, 0038, 0002", c.Halted, c.PC, c.read16(c.SP))
		}
	})
	t.Run("NMI and RETN", func(t *testing.T) {
		c := load(0xFB, 0x00)
		c.Mem[0x66], c.Mem[0x67] = 0xED, 0x45 // RETN
		steps(c, 2)
		c.NMI()
		if got := c.Step(); got != 11 || c.PC != 0x0066 || c.IFF1 || !c.IFF2 {
			t.Fatalf("NMI: %d T-states, PC %04X, IFF %v/%v; want 11, 0066, false/true", got, c.PC, c.IFF1, c.IFF2)
		}
		if got := c.Step(); got != 14 || c.PC != 0x0002 || !c.IFF1 {
			t.Errorf("RETN: %d T-states, PC %04X, IFF1 %v; want 14, 0002, true", got, c.PC, c.IFF1)
		}
	})
	t.Run("LD A,I reports IFF2", func(t *testing.T) {
		c := load(0xFB, 0xED, 0x57, 0xF3, 0xED, 0x57) // EI; LD A,I; DI; LD A,I
		steps(c, 2)
		if c.F&FlagP == 0 {
			t.Errorf("P/V clear after EI")
		}
		steps(c, 2)
		if c.F&FlagP != 0 {
			t.Errorf("P/V set after DI")
		}
	})
}

type fixedIO struct{ out []uint16 }

func (f *fixedIO) In(port uint16) byte     { return byte(port) ^ 0x5A }
func (f *fixedIO) Out(port uint16, v byte) { f.out = append(f.out, port, uint16(v)) }

func TestIO(t *testing.T) {
	// IN A,(n) puts A on the high address byte; OUT (C),r uses BC.
	c := load(0xDB, 0x10, 0xED, 0x41)
	c.A = 0x12
	c.SetBC(0x3456)
	steps(c, 1)
	if c.A != 0xFF {
		t.Errorf("IN with no IO = %02X, want FF", c.A)
	}
	io := &fixedIO{}
	c = load(0xDB, 0x10, 0xED, 0x41)
	c.IO = io
	c.A = 0x12
	c.SetBC(0x3456)
	steps(c, 2)
	if c.A != 0x10^0x5A {
		t.Errorf("IN A,(10h) = %02X, want %02X", c.A, 0x10^0x5A)
	}
	if len(io.out) != 2 || io.out[0] != 0x3456 || io.out[1] != 0x34 {
		t.Errorf("OUT (C),B wrote %04X, want port 3456 value 34", io.out)
	}
}

func TestRunTrapsAndLimit(t *testing.T) {
	// 0000: NOP; NOP; JP 0000h
	c := load(0x00, 0x00, 0xC3, 0x00, 0x00)
	c.SetTrap(0x0002, true)
	if stop := c.Run(1000); stop != StopTrap || c.PC != 0x0002 || c.T != 8 {
		t.Fatalf("Run = %v at PC %04X T %d, want trap at 0002 after 8", stop, c.PC, c.T)
	}
	// Calling Run again leaves the trap and comes round to it once more.
	if stop := c.Run(1000); stop != StopTrap || c.PC != 0x0002 || c.T != 26 {
		t.Fatalf("Run = %v at PC %04X T %d, want trap at 0002 after 26", stop, c.PC, c.T)
	}
	c.SetTrap(0x0002, false)
	if stop := c.Run(1000); stop != StopLimit || c.T < 1000 || c.T > 1010 {
		t.Fatalf("Run = %v at T %d, want the limit 1000 (overshoot < one instruction)", stop, c.T)
	}
	if stop := c.Run(10); stop != StopLimit {
		t.Errorf("Run below the current T = %v, want StopLimit", stop)
	}
}

func TestRunHalted(t *testing.T) {
	// DI; HALT: nothing ends it; Run skips to the limit, R counting each
	// 4 T-state M1 cycle: HALT at T=4..8 is fetch 2; (1000-8)/4 = 248 more:
	// 250 fetches, and R's 7-bit counter wraps: 250 - 128 = 122.
	c := load(0xF3, 0x76)
	if stop := c.Run(1000); stop != StopLimit || c.T != 1000 || !c.Halted || c.PC != 0x0001 {
		t.Fatalf("Run = %v T %d halted %v PC %04X, want limit at 1000, halted at 0001", stop, c.T, c.Halted, c.PC)
	}
	if c.R != 122 {
		t.Errorf("R = %d, want 122", c.R)
	}
	// The largest limit: T stops at it instead of wrapping round.
	if stop := c.Run(^uint64(0)); stop != StopLimit || c.T != ^uint64(0) {
		t.Errorf("Run(max) = %v at T %d, want the limit at %d", stop, c.T, ^uint64(0))
	}
}
