package z80

// execCB executes CB op (CB and op fetched, R counted twice) and returns
// the T-states of the whole instruction:
//
//	rot/shift r, RES/SET b,r   8     rot/shift (HL), RES/SET b,(HL)  15
//	BIT b,r                    8     BIT b,(HL)                      12
func (c *CPU) execCB(op byte) int {
	x, y, z := op>>6, op>>3&7, op&7
	if z == 6 {
		a := c.HL()
		v := c.Mem[a]
		switch x {
		case 0:
			c.Mem[a] = c.rot(y, v)
		case 1:
			// BIT b,(HL): bits 5 and 3 come from MEMPTR's high byte.
			c.F = c.F&FlagC | FlagH | sz53p[v&(1<<y)]&^(Flag5|Flag3) | byte(c.WZ>>8)&(Flag5|Flag3)
			return 12
		case 2:
			c.Mem[a] = v &^ (1 << y)
		default:
			c.Mem[a] = v | 1<<y
		}
		return 15
	}
	v := c.reg(z)
	switch x {
	case 0:
		c.setReg(z, c.rot(y, v))
	case 1:
		// BIT b,r: bits 5 and 3 come from r.
		c.F = c.F&FlagC | FlagH | sz53p[v&(1<<y)]&^(Flag5|Flag3) | v&(Flag5|Flag3)
	case 2:
		c.setReg(z, v&^(1<<y))
	default:
		c.setReg(z, v|1<<y)
	}
	return 8
}

// execXYCB executes DD CB d op / FD CB d op with xy = IX or IY, after the
// CB byte was fetched (R counts the DD/FD and CB fetches only). It returns the
// T-states of the whole instruction: BIT 20, all others 23. Besides (XY+d),
// the non-BIT forms with a register field other than 6 also copy the result
// into that register (undocumented).
func (c *CPU) execXYCB(xy uint16) int {
	a := xy + uint16(int8(c.fetch()))
	op := c.fetch()
	c.WZ = a
	x, y, z := op>>6, op>>3&7, op&7
	v := c.Mem[a]
	var r byte
	switch x {
	case 0:
		r = c.rot(y, v)
	case 1:
		// BIT b,(XY+d): bits 5 and 3 come from the high byte of XY+d.
		c.F = c.F&FlagC | FlagH | sz53p[v&(1<<y)]&^(Flag5|Flag3) | byte(a>>8)&(Flag5|Flag3)
		return 20
	case 2:
		r = v &^ (1 << y)
	default:
		r = v | 1<<y
	}
	c.Mem[a] = r
	if z != 6 {
		c.setReg(z, r)
	}
	return 23
}
