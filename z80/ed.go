package z80

// execED executes ED op (ED and op fetched, R counted twice) and returns the
// T-states of the whole instruction. Opcodes not listed are 8 T-state NOPs;
// the duplicates of NEG, RETN/RETI and IM follow the undocumented decoding.
func (c *CPU) execED(op byte) int {
	switch op {
	case 0x40, 0x48, 0x50, 0x58, 0x60, 0x68, 0x78: // IN r,(C)
		v := c.in(c.BC())
		c.setReg(op>>3&7, v)
		c.F = c.F&FlagC | sz53p[v]
		c.WZ = c.BC() + 1
		return 12
	case 0x70: // IN (C) (undocumented): flags only
		v := c.in(c.BC())
		c.F = c.F&FlagC | sz53p[v]
		c.WZ = c.BC() + 1
		return 12
	case 0x41, 0x49, 0x51, 0x59, 0x61, 0x69, 0x79: // OUT (C),r
		c.out(c.BC(), c.reg(op>>3&7))
		c.WZ = c.BC() + 1
		return 12
	case 0x71: // OUT (C),0 (undocumented)
		c.out(c.BC(), 0)
		c.WZ = c.BC() + 1
		return 12
	case 0x42: // SBC HL,BC
		c.sbc16(c.BC())
		return 15
	case 0x52: // SBC HL,DE
		c.sbc16(c.DE())
		return 15
	case 0x62: // SBC HL,HL
		c.sbc16(c.HL())
		return 15
	case 0x72: // SBC HL,SP
		c.sbc16(c.SP)
		return 15
	case 0x4A: // ADC HL,BC
		c.adc16(c.BC())
		return 15
	case 0x5A: // ADC HL,DE
		c.adc16(c.DE())
		return 15
	case 0x6A: // ADC HL,HL
		c.adc16(c.HL())
		return 15
	case 0x7A: // ADC HL,SP
		c.adc16(c.SP)
		return 15
	case 0x43: // LD (nn),BC
		c.store16(c.BC())
		return 20
	case 0x53: // LD (nn),DE
		c.store16(c.DE())
		return 20
	case 0x63: // LD (nn),HL
		c.store16(c.HL())
		return 20
	case 0x73: // LD (nn),SP
		c.store16(c.SP)
		return 20
	case 0x4B: // LD BC,(nn)
		c.SetBC(c.load16())
		return 20
	case 0x5B: // LD DE,(nn)
		c.SetDE(c.load16())
		return 20
	case 0x6B: // LD HL,(nn)
		c.SetHL(c.load16())
		return 20
	case 0x7B: // LD SP,(nn)
		c.SP = c.load16()
		return 20
	case 0x44, 0x4C, 0x54, 0x5C, 0x64, 0x6C, 0x74, 0x7C: // NEG
		a := c.A
		c.A = 0
		c.sub8(a)
		return 8
	case 0x45, 0x4D, 0x55, 0x5D, 0x65, 0x6D, 0x75, 0x7D: // RETN, RETI
		c.IFF1 = c.IFF2
		c.PC = c.pop()
		c.WZ = c.PC
		return 14
	case 0x46, 0x4E, 0x66, 0x6E: // IM 0
		c.IM = 0
		return 8
	case 0x56, 0x76: // IM 1
		c.IM = 1
		return 8
	case 0x5E, 0x7E: // IM 2
		c.IM = 2
		return 8
	case 0x47: // LD I,A
		c.I = c.A
		return 9
	case 0x4F: // LD R,A
		c.R = c.A
		return 9
	case 0x57: // LD A,I: P/V = IFF2
		c.A = c.I
		c.ldAIRFlags()
		return 9
	case 0x5F: // LD A,R: P/V = IFF2
		c.A = c.R
		c.ldAIRFlags()
		return 9
	case 0x67: // RRD
		a := c.HL()
		v := c.Mem[a]
		c.Mem[a] = c.A<<4 | v>>4
		c.A = c.A&0xF0 | v&0x0F
		c.F = c.F&FlagC | sz53p[c.A]
		c.WZ = a + 1
		return 18
	case 0x6F: // RLD
		a := c.HL()
		v := c.Mem[a]
		c.Mem[a] = v<<4 | c.A&0x0F
		c.A = c.A&0xF0 | v>>4
		c.F = c.F&FlagC | sz53p[c.A]
		c.WZ = a + 1
		return 18

	case 0xA0: // LDI
		c.ldi(1)
		return 16
	case 0xA8: // LDD
		c.ldi(-1)
		return 16
	case 0xB0: // LDIR: 21 per repeat, 16 on the last
		return c.repeat(c.ldi(1))
	case 0xB8: // LDDR
		return c.repeat(c.ldi(-1))
	case 0xA1: // CPI
		c.cpi(1)
		c.WZ++
		return 16
	case 0xA9: // CPD
		c.cpi(-1)
		c.WZ--
		return 16
	case 0xB1: // CPIR: repeats while BC != 0 and no match
		if c.cpi(1) {
			return c.repeat(true)
		}
		c.WZ++
		return 16
	case 0xB9: // CPDR
		if c.cpi(-1) {
			return c.repeat(true)
		}
		c.WZ--
		return 16
	case 0xA2: // INI
		c.ini(1)
		return 16
	case 0xAA: // IND
		c.ini(-1)
		return 16
	case 0xB2: // INIR: repeats while B != 0
		return c.repeatIO(c.ini(1))
	case 0xBA: // INDR
		return c.repeatIO(c.ini(-1))
	case 0xA3: // OUTI
		c.outi(1)
		return 16
	case 0xAB: // OUTD
		c.outi(-1)
		return 16
	case 0xB3: // OTIR
		return c.repeatIO(c.outi(1))
	case 0xBB: // OTDR
		return c.repeatIO(c.outi(-1))
	}
	return 8 // NOP
}

func (c *CPU) store16(v uint16) {
	a := c.fetch16()
	c.write16(a, v)
	c.WZ = a + 1
}

func (c *CPU) load16() uint16 {
	a := c.fetch16()
	c.WZ = a + 1
	return c.read16(a)
}

func (c *CPU) ldAIRFlags() {
	c.F = c.F&FlagC | sz53[c.A]
	if c.IFF2 {
		c.F |= FlagP
	}
	c.afterLDAIR = true
}

// repeat ends a repeating block instruction: if again, PC goes back to the
// ED opcode and MEMPTR to the instruction address + 1 (21 T-states), else the
// instruction is done (16).
func (c *CPU) repeat(again bool) int {
	if again {
		c.PC -= 2
		c.WZ = c.PC + 1
		return 21
	}
	return 16
}

// repeatIO is repeat for INIR/INDR/OTIR/OTDR, which leave MEMPTR alone.
func (c *CPU) repeatIO(again bool) int {
	if again {
		c.PC -= 2
		return 21
	}
	return 16
}

// ldi is one LDI (dir 1) or LDD (dir -1) step; it reports BC != 0. Bit 3 of
// F is bit 3 of (value + A), bit 5 is its bit 1.
func (c *CPU) ldi(dir int) bool {
	v := c.Mem[c.HL()]
	c.Mem[c.DE()] = v
	c.SetHL(c.HL() + uint16(dir))
	c.SetDE(c.DE() + uint16(dir))
	bc := c.BC() - 1
	c.SetBC(bc)
	n := v + c.A
	c.F = c.F&(FlagS|FlagZ|FlagC) | n&Flag3 | n<<4&Flag5
	if bc != 0 {
		c.F |= FlagP
	}
	return bc != 0
}

// cpi is one CPI/CPD step; it reports whether CPIR/CPDR repeats (BC != 0
// and no match). Bits 3 and 5 come from A - (HL) - H as for LDI.
func (c *CPU) cpi(dir int) bool {
	v := c.Mem[c.HL()]
	r := c.A - v
	h := (c.A ^ v ^ r) & FlagH
	c.SetHL(c.HL() + uint16(dir))
	bc := c.BC() - 1
	c.SetBC(bc)
	n := r - h>>4
	f := c.F&FlagC | FlagN | h | sz53[r]&(FlagS|FlagZ) | n&Flag3 | n<<4&Flag5
	if bc != 0 {
		f |= FlagP
	}
	c.F = f
	return bc != 0 && r != 0
}

// ini is one INI/IND step; it reports B != 0. The undocumented flags:
// N = bit 7 of the value; k = value + ((C ± 1) & FFh): H and C if k > 255,
// P = parity((k & 7) ^ B).
func (c *CPU) ini(dir int) bool {
	c.WZ = c.BC() + uint16(dir)
	v := c.in(c.BC())
	c.Mem[c.HL()] = v
	c.B--
	c.SetHL(c.HL() + uint16(dir))
	c.blockIOFlags(v, uint16(v)+uint16(c.C+byte(dir)))
	return c.B != 0
}

// outi is one OUTI/OUTD step; B is decremented before the port is written.
// As ini, with k = value + L (after the HL step).
func (c *CPU) outi(dir int) bool {
	v := c.Mem[c.HL()]
	c.B--
	c.WZ = c.BC() + uint16(dir)
	c.out(c.BC(), v)
	c.SetHL(c.HL() + uint16(dir))
	c.blockIOFlags(v, uint16(v)+uint16(c.L))
	return c.B != 0
}

func (c *CPU) blockIOFlags(v byte, k uint16) {
	f := sz53[c.B] | v>>6&FlagN | parity[byte(k)&7^c.B]
	if k > 0xFF {
		f |= FlagH | FlagC
	}
	c.F = f
}
