// Package z80 emulates the Zilog Z80 CPU, exact to the T-state at
// instruction granularity: the whole instruction set including the
// undocumented opcodes, the undocumented flag bits 3 and 5, the MEMPTR (WZ)
// register, R, the interrupt modes, HALT, NMI and the EI delay.
//
// The reference for behaviour that the Zilog manual leaves open is
// libz80ex, against which the package is tested instruction by instruction
// (see oracle_test.go, build tag "oracle").
//
// Memory is a plain 64 KiB array in the CPU so that the hot path has no
// callbacks; I/O ports go through the IO interface.
package z80

// IO is the I/O port space. In and Out receive the full 16-bit port address
// the Z80 puts on the bus (for IN A,(n) and OUT (n),A the high byte is A,
// otherwise it is B).
type IO interface {
	In(port uint16) byte
	Out(port uint16, v byte)
}

// Stop says why Run returned.
type Stop int

const (
	// StopLimit: the T-state counter reached the limit given to Run.
	StopLimit Stop = iota
	// StopTrap: PC is at an address set with SetTrap.
	StopTrap
)

func (s Stop) String() string {
	switch s {
	case StopLimit:
		return "T-state limit"
	case StopTrap:
		return "trap"
	}
	return "unknown stop"
}

// Flag bits of F.
const (
	FlagC byte = 0x01 // carry
	FlagN byte = 0x02 // add/subtract
	FlagP byte = 0x04 // parity/overflow
	Flag3 byte = 0x08 // undocumented: copy of a result bit 3
	FlagH byte = 0x10 // half carry
	Flag5 byte = 0x20 // undocumented: copy of a result bit 5
	FlagZ byte = 0x40 // zero
	FlagS byte = 0x80 // sign
)

// CPU is a Z80 with its 64 KiB of memory. The zero value is not ready for
// use; call New.
type CPU struct {
	A, F, B, C, D, E, H, L         byte
	A_, F_, B_, C_, D_, E_, H_, L_ byte // alternate register set
	IX, IY, SP, PC                 uint16
	I, R                           byte
	WZ                             uint16 // MEMPTR, visible through BIT n,(HL) flags
	IFF1, IFF2                     bool
	IM                             byte
	Halted                         bool   // executing HALT: PC stays on the HALT opcode
	HaltedAt                       uint64 // T just after the HALT that set Halted
	T                              uint64 // T-states since reset
	Mem                            [65536]byte
	IO                             IO // nil: reads return FFh, writes are ignored

	intBlocked bool // last step was EI or a superseded prefix: no interrupt before the next instruction
	afterLDAIR bool // last instruction was LD A,I or LD A,R: an INT accepted now clears P/V (NMOS bug)
	intLine    bool // INT requested and not yet accepted
	intData    byte // byte the interrupting device puts on the data bus
	nmiLine    bool // NMI requested and not yet accepted
	traps      [65536 / 64]uint64
}

// New returns a CPU in the state after a hardware reset: PC, I, R, IM, IFF1
// and IFF2 zero, all other registers FFFFh (as libz80ex leaves them), memory
// zero.
func New() *CPU {
	c := &CPU{}
	c.Reset()
	return c
}

// Reset puts the registers in the power-on state; memory and traps are kept.
func (c *CPU) Reset() {
	c.A, c.F, c.B, c.C, c.D, c.E, c.H, c.L = 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF
	c.A_, c.F_, c.B_, c.C_, c.D_, c.E_, c.H_, c.L_ = 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF
	c.IX, c.IY, c.SP, c.PC = 0xFFFF, 0xFFFF, 0xFFFF, 0
	c.I, c.R, c.WZ = 0, 0, 0
	c.IFF1, c.IFF2, c.IM, c.Halted = false, false, 0, false
	c.T = 0
	c.intBlocked, c.afterLDAIR, c.intLine, c.nmiLine = false, false, false, false
}

func (c *CPU) AF() uint16 { return uint16(c.A)<<8 | uint16(c.F) }
func (c *CPU) BC() uint16 { return uint16(c.B)<<8 | uint16(c.C) }
func (c *CPU) DE() uint16 { return uint16(c.D)<<8 | uint16(c.E) }
func (c *CPU) HL() uint16 { return uint16(c.H)<<8 | uint16(c.L) }

func (c *CPU) SetAF(v uint16) { c.A, c.F = byte(v>>8), byte(v) }
func (c *CPU) SetBC(v uint16) { c.B, c.C = byte(v>>8), byte(v) }
func (c *CPU) SetDE(v uint16) { c.D, c.E = byte(v>>8), byte(v) }
func (c *CPU) SetHL(v uint16) { c.H, c.L = byte(v>>8), byte(v) }

// SetTrap marks (on) or unmarks addr as a trap address for Run.
func (c *CPU) SetTrap(addr uint16, on bool) {
	if on {
		c.traps[addr>>6] |= 1 << (addr & 63)
	} else {
		c.traps[addr>>6] &^= 1 << (addr & 63)
	}
}

func (c *CPU) trapAt(addr uint16) bool { return c.traps[addr>>6]&(1<<(addr&63)) != 0 }

// Interrupt raises the maskable interrupt line; data is the byte the device
// puts on the bus (the opcode in IM 0, the vector low byte in IM 2). The line
// stays raised until the CPU accepts the interrupt at the start of a Step.
// In IM 0 the byte is executed as a one-byte instruction (normally an RST);
// operands of longer instructions would be read from memory at PC.
func (c *CPU) Interrupt(data byte) {
	c.intLine = true
	c.intData = data
}

// NMI requests a non-maskable interrupt, accepted at the start of the next
// Step that does not directly follow EI (or a DD/FD prefix superseded by
// another one).
func (c *CPU) NMI() { c.nmiLine = true }

// Step executes one whole instruction (prefixes included) or accepts one
// pending interrupt, and returns the T-states it took.
func (c *CPU) Step() int {
	t0 := c.T
	if !((c.nmiLine || c.intLine) && !c.intBlocked && c.acceptInterrupt()) {
		// While halted, PC stays on the HALT opcode, which so executes
		// again (4 T-states, one M1 cycle) until an interrupt.
		c.run(c.T+1, -1)
	}
	return int(c.T - t0)
}

// Run executes instructions until c.T >= limit (StopLimit) or, after at
// least one instruction, PC is at a trap address (StopTrap). A trap wins
// over the limit when both hold. If c.T >= limit on entry nothing runs.
func (c *CPU) Run(limit uint64) Stop {
	if c.T >= limit {
		return StopLimit
	}
	for {
		if c.nmiLine || c.intLine && c.IFF1 || c.Halted {
			if c.Halted && c.Mem[c.PC] == 0x76 && !c.nmiLine && !(c.intLine && c.IFF1) && !c.trapAt(c.PC) {
				// Nothing can end the HALT before the limit: skip the NOPs,
				// n = ceil((limit-T)/4) of them. T saturates rather than
				// wrap if the limit is within 4 of 2^64.
				d := limit - c.T
				n := d/4 + (d%4+3)/4
				c.R = c.R&0x80 | byte(uint64(c.R)+n)&0x7F
				if n > (^uint64(0)-c.T)/4 {
					c.T = limit
				} else {
					c.T += 4 * n
				}
				c.intBlocked, c.afterLDAIR = false, false
				return StopLimit
			}
			c.Step()
		} else {
			c.run(limit, -1)
		}
		if c.trapAt(c.PC) {
			return StopTrap
		}
		if c.T >= limit {
			return StopLimit
		}
	}
}

// acceptInterrupt accepts a pending NMI or (if enabled) INT, adding its
// T-states to c.T, and reports whether it did.
func (c *CPU) acceptInterrupt() bool {
	if c.nmiLine {
		c.nmiLine = false
		c.leaveHalt()
		c.incR()
		c.IFF1 = false // IFF2 keeps the old IFF1 for RETN
		c.push(c.PC)
		c.PC = 0x0066
		c.WZ = c.PC
		c.T += 11 // 5 (M1) + 3 + 3 (push)
		return true
	}
	if !c.intLine || !c.IFF1 {
		return false
	}
	c.intLine = false
	c.leaveHalt()
	c.IFF1, c.IFF2 = false, false
	if c.afterLDAIR {
		c.F &^= FlagP
	}
	c.afterLDAIR = false
	switch c.IM {
	case 1:
		c.incR()
		c.push(c.PC)
		c.PC = 0x0038
		c.WZ = c.PC
		c.T += 13 // 7 (M1 + 2 wait) + 3 + 3 (push)
	case 2:
		c.incR()
		c.push(c.PC)
		vec := uint16(c.I)<<8 | uint16(c.intData)
		c.PC = c.read16(vec)
		c.WZ = c.PC
		c.T += 19 // 7 (M1 + 2 wait) + 3 + 3 (push) + 3 + 3 (vector)
	default:
		// The bus byte is the opcode; its M1 cycle has 2 wait states.
		c.T += 2
		c.run(c.T+1, int(c.intData))
	}
	return true
}

func (c *CPU) leaveHalt() {
	if c.Halted {
		c.Halted = false
		c.PC++
	}
}

// incR counts an M1 cycle: R's low 7 bits increment, bit 7 stays.
func (c *CPU) incR() { c.R = c.R&0x80 | (c.R+1)&0x7F }

func (c *CPU) fetch() byte {
	v := c.Mem[c.PC]
	c.PC++
	return v
}

func (c *CPU) fetch16() uint16 {
	v := uint16(c.Mem[c.PC]) | uint16(c.Mem[c.PC+1])<<8
	c.PC += 2
	return v
}

func (c *CPU) read16(a uint16) uint16 { return uint16(c.Mem[a]) | uint16(c.Mem[a+1])<<8 }

func (c *CPU) write16(a, v uint16) {
	c.Mem[a] = byte(v)
	c.Mem[a+1] = byte(v >> 8)
}

func (c *CPU) push(v uint16) {
	c.SP--
	c.Mem[c.SP] = byte(v >> 8)
	c.SP--
	c.Mem[c.SP] = byte(v)
}

func (c *CPU) pop() uint16 {
	v := uint16(c.Mem[c.SP])
	c.SP++
	v |= uint16(c.Mem[c.SP]) << 8
	c.SP++
	return v
}

func (c *CPU) in(port uint16) byte {
	if c.IO == nil {
		return 0xFF
	}
	return c.IO.In(port)
}

func (c *CPU) out(port uint16, v byte) {
	if c.IO != nil {
		c.IO.Out(port, v)
	}
}
