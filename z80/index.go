package z80

// execXY executes op after a DD (xy = &c.IX) or FD (xy = &c.IY) prefix (both
// fetched, R counted twice) and returns the T-states of the whole instruction,
// prefix included. It returns 0 for opcodes that do not use H, L or (HL):
// those run as unprefixed after the 4 T-state prefix. In those that do, H
// and L become the high (XH) and low (XL) halves of the index register
// (undocumented) and (HL) becomes (XY+d), in which case H and L in the same
// instruction stay H and L.
func (c *CPU) execXY(op byte, xy *uint16) int {
	switch op {
	case 0x09: // ADD XY,BC
		*xy = c.add16(*xy, c.BC())
		return 15
	case 0x19: // ADD XY,DE
		*xy = c.add16(*xy, c.DE())
		return 15
	case 0x29: // ADD XY,XY
		*xy = c.add16(*xy, *xy)
		return 15
	case 0x39: // ADD XY,SP
		*xy = c.add16(*xy, c.SP)
		return 15
	case 0x21: // LD XY,nn
		*xy = c.fetch16()
		return 14
	case 0x22: // LD (nn),XY
		c.store16(*xy)
		return 20
	case 0x2A: // LD XY,(nn)
		*xy = c.load16()
		return 20
	case 0x23: // INC XY
		*xy++
		return 10
	case 0x2B: // DEC XY
		*xy--
		return 10
	case 0x24: // INC XH
		*xy = *xy&0x00FF | uint16(c.inc8(byte(*xy>>8)))<<8
		return 8
	case 0x25: // DEC XH
		*xy = *xy&0x00FF | uint16(c.dec8(byte(*xy>>8)))<<8
		return 8
	case 0x26: // LD XH,n
		*xy = *xy&0x00FF | uint16(c.fetch())<<8
		return 11
	case 0x2C: // INC XL
		*xy = *xy&0xFF00 | uint16(c.inc8(byte(*xy)))
		return 8
	case 0x2D: // DEC XL
		*xy = *xy&0xFF00 | uint16(c.dec8(byte(*xy)))
		return 8
	case 0x2E: // LD XL,n
		*xy = *xy&0xFF00 | uint16(c.fetch())
		return 11
	case 0x34: // INC (XY+d)
		a := c.xyDisp(*xy)
		c.Mem[a] = c.inc8(c.Mem[a])
		return 23
	case 0x35: // DEC (XY+d)
		a := c.xyDisp(*xy)
		c.Mem[a] = c.dec8(c.Mem[a])
		return 23
	case 0x36: // LD (XY+d),n
		a := c.xyDisp(*xy)
		c.Mem[a] = c.fetch()
		return 19
	case 0x44: // LD B,XH
		c.B = byte(*xy >> 8)
		return 8
	case 0x45: // LD B,XL
		c.B = byte(*xy)
		return 8
	case 0x46: // LD B,(XY+d)
		c.B = c.Mem[c.xyDisp(*xy)]
		return 19
	case 0x4C: // LD C,XH
		c.C = byte(*xy >> 8)
		return 8
	case 0x4D: // LD C,XL
		c.C = byte(*xy)
		return 8
	case 0x4E: // LD C,(XY+d)
		c.C = c.Mem[c.xyDisp(*xy)]
		return 19
	case 0x54: // LD D,XH
		c.D = byte(*xy >> 8)
		return 8
	case 0x55: // LD D,XL
		c.D = byte(*xy)
		return 8
	case 0x56: // LD D,(XY+d)
		c.D = c.Mem[c.xyDisp(*xy)]
		return 19
	case 0x5C: // LD E,XH
		c.E = byte(*xy >> 8)
		return 8
	case 0x5D: // LD E,XL
		c.E = byte(*xy)
		return 8
	case 0x5E: // LD E,(XY+d)
		c.E = c.Mem[c.xyDisp(*xy)]
		return 19
	case 0x60: // LD XH,B
		*xy = *xy&0x00FF | uint16(c.B)<<8
		return 8
	case 0x61: // LD XH,C
		*xy = *xy&0x00FF | uint16(c.C)<<8
		return 8
	case 0x62: // LD XH,D
		*xy = *xy&0x00FF | uint16(c.D)<<8
		return 8
	case 0x63: // LD XH,E
		*xy = *xy&0x00FF | uint16(c.E)<<8
		return 8
	case 0x64: // LD XH,XH
		return 8
	case 0x65: // LD XH,XL
		*xy = *xy&0x00FF | uint16(byte(*xy))<<8
		return 8
	case 0x66: // LD H,(XY+d)
		c.H = c.Mem[c.xyDisp(*xy)]
		return 19
	case 0x67: // LD XH,A
		*xy = *xy&0x00FF | uint16(c.A)<<8
		return 8
	case 0x68: // LD XL,B
		*xy = *xy&0xFF00 | uint16(c.B)
		return 8
	case 0x69: // LD XL,C
		*xy = *xy&0xFF00 | uint16(c.C)
		return 8
	case 0x6A: // LD XL,D
		*xy = *xy&0xFF00 | uint16(c.D)
		return 8
	case 0x6B: // LD XL,E
		*xy = *xy&0xFF00 | uint16(c.E)
		return 8
	case 0x6C: // LD XL,XH
		*xy = *xy&0xFF00 | uint16(byte(*xy>>8))
		return 8
	case 0x6D: // LD XL,XL
		return 8
	case 0x6E: // LD L,(XY+d)
		c.L = c.Mem[c.xyDisp(*xy)]
		return 19
	case 0x6F: // LD XL,A
		*xy = *xy&0xFF00 | uint16(c.A)
		return 8
	case 0x70: // LD (XY+d),B
		c.Mem[c.xyDisp(*xy)] = c.B
		return 19
	case 0x71: // LD (XY+d),C
		c.Mem[c.xyDisp(*xy)] = c.C
		return 19
	case 0x72: // LD (XY+d),D
		c.Mem[c.xyDisp(*xy)] = c.D
		return 19
	case 0x73: // LD (XY+d),E
		c.Mem[c.xyDisp(*xy)] = c.E
		return 19
	case 0x74: // LD (XY+d),H
		c.Mem[c.xyDisp(*xy)] = c.H
		return 19
	case 0x75: // LD (XY+d),L
		c.Mem[c.xyDisp(*xy)] = c.L
		return 19
	case 0x77: // LD (XY+d),A
		c.Mem[c.xyDisp(*xy)] = c.A
		return 19
	case 0x7C: // LD A,XH
		c.A = byte(*xy >> 8)
		return 8
	case 0x7D: // LD A,XL
		c.A = byte(*xy)
		return 8
	case 0x7E: // LD A,(XY+d)
		c.A = c.Mem[c.xyDisp(*xy)]
		return 19
	case 0x84: // ADD A,XH
		c.add8(byte(*xy >> 8))
		return 8
	case 0x85: // ADD A,XL
		c.add8(byte(*xy))
		return 8
	case 0x86: // ADD A,(XY+d)
		c.add8(c.Mem[c.xyDisp(*xy)])
		return 19
	case 0x8C: // ADC A,XH
		c.adc8(byte(*xy >> 8))
		return 8
	case 0x8D: // ADC A,XL
		c.adc8(byte(*xy))
		return 8
	case 0x8E: // ADC A,(XY+d)
		c.adc8(c.Mem[c.xyDisp(*xy)])
		return 19
	case 0x94: // SUB XH
		c.sub8(byte(*xy >> 8))
		return 8
	case 0x95: // SUB XL
		c.sub8(byte(*xy))
		return 8
	case 0x96: // SUB (XY+d)
		c.sub8(c.Mem[c.xyDisp(*xy)])
		return 19
	case 0x9C: // SBC A,XH
		c.sbc8(byte(*xy >> 8))
		return 8
	case 0x9D: // SBC A,XL
		c.sbc8(byte(*xy))
		return 8
	case 0x9E: // SBC A,(XY+d)
		c.sbc8(c.Mem[c.xyDisp(*xy)])
		return 19
	case 0xA4: // AND XH
		c.and8(byte(*xy >> 8))
		return 8
	case 0xA5: // AND XL
		c.and8(byte(*xy))
		return 8
	case 0xA6: // AND (XY+d)
		c.and8(c.Mem[c.xyDisp(*xy)])
		return 19
	case 0xAC: // XOR XH
		c.xor8(byte(*xy >> 8))
		return 8
	case 0xAD: // XOR XL
		c.xor8(byte(*xy))
		return 8
	case 0xAE: // XOR (XY+d)
		c.xor8(c.Mem[c.xyDisp(*xy)])
		return 19
	case 0xB4: // OR XH
		c.or8(byte(*xy >> 8))
		return 8
	case 0xB5: // OR XL
		c.or8(byte(*xy))
		return 8
	case 0xB6: // OR (XY+d)
		c.or8(c.Mem[c.xyDisp(*xy)])
		return 19
	case 0xBC: // CP XH
		c.cp8(byte(*xy >> 8))
		return 8
	case 0xBD: // CP XL
		c.cp8(byte(*xy))
		return 8
	case 0xBE: // CP (XY+d)
		c.cp8(c.Mem[c.xyDisp(*xy)])
		return 19
	case 0xCB: // DD CB d op / FD CB d op
		return c.execXYCB(*xy)
	case 0xE1: // POP XY
		*xy = c.pop()
		return 14
	case 0xE3: // EX (SP),XY
		v := c.read16(c.SP)
		c.write16(c.SP, *xy)
		*xy = v
		c.WZ = v
		return 23
	case 0xE5: // PUSH XY
		c.push(*xy)
		return 15
	case 0xE9: // JP (XY)
		c.PC = *xy
		return 8
	case 0xF9: // LD SP,XY
		c.SP = *xy
		return 10
	case 0xDD, 0xFD:
		// Another index prefix supersedes this one, which so was a 4
		// T-state NOP. The new prefix starts the next Step (un-fetched, so
		// that chains of prefixes cannot recurse); as on the chip, no
		// interrupt is accepted in between.
		c.PC--
		c.R = c.R&0x80 | (c.R-1)&0x7F
		c.intBlocked = true
		return 4
	}
	// Not an index instruction: the caller runs op unprefixed.
	return 0
}

// xyDisp fetches the displacement d and returns XY+d, which also becomes
// MEMPTR.
func (c *CPU) xyDisp(xy uint16) uint16 {
	a := xy + uint16(int8(c.fetch()))
	c.WZ = a
	return a
}
