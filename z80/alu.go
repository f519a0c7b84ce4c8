package z80

// Precomputed flag tables, indexed by a result byte.
var (
	sz53    [256]byte // S, Z, 5, 3 of the value
	sz53p   [256]byte // the same plus P = even parity
	parity  [256]byte // P = even parity
	incFlag [256]byte // flags of INC giving this result, C excluded
	decFlag [256]byte // flags of DEC giving this result, C excluded
)

func init() {
	for i := 0; i < 256; i++ {
		v := byte(i)
		sz53[i] = v & (FlagS | Flag5 | Flag3)
		if v == 0 {
			sz53[i] |= FlagZ
		}
		p := v ^ v>>4
		p ^= p >> 2
		p ^= p >> 1
		if p&1 == 0 {
			parity[i] = FlagP
		}
		sz53p[i] = sz53[i] | parity[i]

		incFlag[i] = sz53[i]
		if v == 0x80 {
			incFlag[i] |= FlagP
		}
		if v&0x0F == 0 {
			incFlag[i] |= FlagH
		}
		decFlag[i] = sz53[i] | FlagN
		if v == 0x7F {
			decFlag[i] |= FlagP
		}
		if v&0x0F == 0x0F {
			decFlag[i] |= FlagH
		}
	}
}

func (c *CPU) add8(v byte) {
	a := c.A
	r := uint16(a) + uint16(v)
	c.A = byte(r)
	c.F = sz53[byte(r)] | byte(r>>8) | (a^v^byte(r))&FlagH | (^(a^v)&(a^byte(r)))>>5&FlagP
}

func (c *CPU) adc8(v byte) {
	a := c.A
	r := uint16(a) + uint16(v) + uint16(c.F&FlagC)
	c.A = byte(r)
	c.F = sz53[byte(r)] | byte(r>>8) | (a^v^byte(r))&FlagH | (^(a^v)&(a^byte(r)))>>5&FlagP
}

func (c *CPU) sub8(v byte) {
	a := c.A
	r := uint16(a) - uint16(v)
	c.A = byte(r)
	c.F = sz53[byte(r)] | FlagN | byte(r>>8)&FlagC | (a^v^byte(r))&FlagH | ((a^v)&(a^byte(r)))>>5&FlagP
}

func (c *CPU) sbc8(v byte) {
	a := c.A
	r := uint16(a) - uint16(v) - uint16(c.F&FlagC)
	c.A = byte(r)
	c.F = sz53[byte(r)] | FlagN | byte(r>>8)&FlagC | (a^v^byte(r))&FlagH | ((a^v)&(a^byte(r)))>>5&FlagP
}

// cp8 is SUB without storing A; bits 5 and 3 come from the operand.
func (c *CPU) cp8(v byte) {
	a := c.A
	r := uint16(a) - uint16(v)
	c.F = sz53[byte(r)]&(FlagS|FlagZ) | v&(Flag5|Flag3) | FlagN | byte(r>>8)&FlagC |
		(a^v^byte(r))&FlagH | ((a^v)&(a^byte(r)))>>5&FlagP
}

func (c *CPU) and8(v byte) { c.A &= v; c.F = sz53p[c.A] | FlagH }
func (c *CPU) xor8(v byte) { c.A ^= v; c.F = sz53p[c.A] }
func (c *CPU) or8(v byte)  { c.A |= v; c.F = sz53p[c.A] }

func (c *CPU) inc8(v byte) byte {
	v++
	c.F = c.F&FlagC | incFlag[v]
	return v
}

func (c *CPU) dec8(v byte) byte {
	v--
	c.F = c.F&FlagC | decFlag[v]
	return v
}

// add16 is ADD HL/IX/IY,rr: S, Z, P/V are kept; H from bit 11; 5, 3 from
// the high byte of the result. MEMPTR = first operand + 1.
func (c *CPU) add16(a, v uint16) uint16 {
	r := uint32(a) + uint32(v)
	c.WZ = a + 1
	c.F = c.F&(FlagS|FlagZ|FlagP) | byte(r>>16) | byte(r>>8)&(Flag5|Flag3) |
		byte((uint32(a)^uint32(v)^r)>>8)&FlagH
	return uint16(r)
}

func (c *CPU) adc16(v uint16) {
	a := c.HL()
	r := uint32(a) + uint32(v) + uint32(c.F&FlagC)
	c.WZ = a + 1
	f := byte(r>>16) | byte(r>>8)&(FlagS|Flag5|Flag3) | byte((uint32(a)^uint32(v)^r)>>8)&FlagH |
		byte((^(uint32(a)^uint32(v))&(uint32(a)^r))>>13)&FlagP
	if uint16(r) == 0 {
		f |= FlagZ
	}
	c.F = f
	c.SetHL(uint16(r))
}

func (c *CPU) sbc16(v uint16) {
	a := c.HL()
	r := uint32(a) - uint32(v) - uint32(c.F&FlagC)
	c.WZ = a + 1
	f := FlagN | byte(r>>16)&FlagC | byte(r>>8)&(FlagS|Flag5|Flag3) | byte((uint32(a)^uint32(v)^r)>>8)&FlagH |
		byte(((uint32(a)^uint32(v))&(uint32(a)^r))>>13)&FlagP
	if uint16(r) == 0 {
		f |= FlagZ
	}
	c.F = f
	c.SetHL(uint16(r))
}

// rot performs the CB-prefixed shift/rotate number y (RLC RRC RL RR SLA SRA
// SLL SRL) on v and sets the flags.
func (c *CPU) rot(y, v byte) byte {
	var r, cy byte
	switch y {
	case 0: // RLC
		r, cy = v<<1|v>>7, v>>7
	case 1: // RRC
		r, cy = v>>1|v<<7, v&1
	case 2: // RL
		r, cy = v<<1|c.F&FlagC, v>>7
	case 3: // RR
		r, cy = v>>1|c.F<<7, v&1
	case 4: // SLA
		r, cy = v<<1, v>>7
	case 5: // SRA
		r, cy = v>>1|v&0x80, v&1
	case 6: // SLL (undocumented): shifts a 1 in
		r, cy = v<<1|1, v>>7
	default: // SRL
		r, cy = v>>1, v&1
	}
	c.F = sz53p[r] | cy
	return r
}

// daa adjusts A after a BCD addition or subtraction.
func (c *CPU) daa() {
	a := c.A
	var diff, cy byte
	if c.F&FlagC != 0 || a > 0x99 {
		diff, cy = 0x60, FlagC
	}
	if c.F&FlagH != 0 || a&0x0F > 9 {
		diff |= 0x06
	}
	var h byte
	if c.F&FlagN != 0 {
		if c.F&FlagH != 0 && a&0x0F < 6 {
			h = FlagH
		}
		c.A = a - diff
	} else {
		if a&0x0F > 9 {
			h = FlagH
		}
		c.A = a + diff
	}
	c.F = sz53p[c.A] | cy | h | c.F&FlagN
}

// reg returns the register numbered r in opcode encodings (B C D E H L - A);
// r == 6 ((HL)) is handled by the callers.
func (c *CPU) reg(r byte) byte {
	switch r {
	case 0:
		return c.B
	case 1:
		return c.C
	case 2:
		return c.D
	case 3:
		return c.E
	case 4:
		return c.H
	case 5:
		return c.L
	}
	return c.A
}

func (c *CPU) setReg(r, v byte) {
	switch r {
	case 0:
		c.B = v
	case 1:
		c.C = v
	case 2:
		c.D = v
	case 3:
		c.E = v
	case 4:
		c.H = v
	case 5:
		c.L = v
	default:
		c.A = v
	}
}
