package z80

import "testing"

// macProgram is the benchmark workload: an endless multiply/accumulate loop
// over a table of 64 entries (16-bit x, 8-bit m) at 1000h, summing x*m
// (low 16 bits) into the word at 2000h.
var macProgram = []byte{
	0x31, 0x00, 0xF0, //       LD   SP,0F000h
	0xDD, 0x21, 0x00, 0x10, // outer: LD IX,1000h   ; IX -> entry
	0x0E, 0x40, //             LD   C,64           ; C = entries left
	0xDD, 0x5E, 0x00, //       loop: LD E,(IX+0)    ; DE = x       19
	0xDD, 0x56, 0x01, //       LD   D,(IX+1)                      19
	0xDD, 0x7E, 0x02, //       LD   A,(IX+2)       ; A = m        19
	0x21, 0x00, 0x00, //       LD   HL,0           ; HL = x*m     10
	0x06, 0x08, //             LD   B,8            ; B = bits      7
	0x29,       //             mlp: ADD HL,HL                     11
	0x17,       //             RLA                 ; next bit of m  4
	0x30, 0x01, //             JR   NC,skip                     7/12
	0x19,       //             ADD  HL,DE                         11
	0x10, 0xF9, //             skip: DJNZ mlp                   13/8
	0xED, 0x5B, 0x00, 0x20, // LD   DE,(2000h)     ; DE = sum     20
	0x19,             // ADD  HL,DE                         11
	0x22, 0x00, 0x20, //       LD   (2000h),HL                    16
	0xDD, 0x23, //             INC  IX                            10
	0xDD, 0x23, //             INC  IX                            10
	0xDD, 0x23, //             INC  IX                            10
	0x0D,       //             DEC  C                              4
	0x20, 0xDA, //             JR   NZ,loop                     12/7
	0xC3, 0x03, 0x00, //       JP   outer                         10
}

// newMACMachine returns a CPU with macProgram at 0000h and its table filled
// with fixed pseudo-random values.
func newMACMachine() *CPU {
	c := New()
	copy(c.Mem[:], macProgram)
	x := uint32(12345)
	for i := 0; i < 192; i++ {
		x = x*1103515245 + 12345
		c.Mem[0x1000+i] = byte(x >> 16)
	}
	return c
}

// BenchmarkRun reports emulated T-states per host second on macProgram.
func BenchmarkRun(b *testing.B) {
	const chunk = 10_000_000
	c := newMACMachine()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Run(c.T + chunk)
	}
	b.ReportMetric(float64(c.T)/b.Elapsed().Seconds()/1e6, "Mtstates/s")
}
