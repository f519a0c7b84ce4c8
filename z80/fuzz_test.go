package z80

import "testing"

// fuzzIO answers IN from the fuzz input.
type fuzzIO []byte

func (f fuzzIO) In(port uint16) byte { return f[int(port)%len(f)] }
func (f fuzzIO) Out(uint16, byte)    {}

// FuzzRun: any memory image (the input repeated over 64 KiB), any registers
// and interrupts drawn from it never panic, every Step takes T-states, and
// Run stops at its limit (within one instruction) or at a trap.
func FuzzRun(f *testing.F) {
	f.Add(macProgram)
	f.Add([]byte{0x76})                         // HALT with interrupts off
	f.Add([]byte{0xDD})                         // nothing but prefixes
	f.Add([]byte{0xFB, 0xED, 0x5E, 0x76})       // EI; IM 2; HALT
	f.Add([]byte{0xED, 0xB0, 0xED, 0xB2, 0xDB}) // LDIR; INIR; IN
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		c := New()
		for i := range c.Mem {
			c.Mem[i] = data[i%len(data)]
		}
		c.IO = fuzzIO(data)
		b := func(i int) byte { return data[i%len(data)] }
		c.SP = uint16(b(1))<<8 | uint16(b(2))
		c.IM = b(3) % 3
		c.IFF1 = b(4)&1 != 0
		c.SetTrap(uint16(b(5))<<8|uint16(b(6)), b(7)&1 != 0)
		for round := 0; round < 8; round++ {
			switch b(8+round) % 8 {
			case 0:
				c.Interrupt(b(16 + round))
			case 1:
				c.NMI()
			}
			if got := c.Step(); got < 4 || got > 32 {
				t.Fatalf("Step took %d T-states", got)
			}
			limit := c.T + 5000
			switch stop := c.Run(limit); stop {
			case StopLimit:
				if c.T < limit || c.T >= limit+32 {
					t.Fatalf("StopLimit at T=%d, limit %d", c.T, limit)
				}
			case StopTrap:
				if !c.trapAt(c.PC) {
					t.Fatalf("StopTrap at %04X, not a trap", c.PC)
				}
			default:
				t.Fatalf("Run returned %v", stop)
			}
		}
	})
}
