package z80

// run executes instructions until c.T >= limit, PC is at a trap address, an
// interrupt could be accepted or the CPU is halted; Run and Step take over from
// there. Run calls it with its limit, Step with c.T + 1 (one instruction).
// If busOp >= 0 it is the first opcode, taken from the data bus instead of
// memory (interrupt mode 0).
//
// The switch is the unprefixed opcode table of the Zilog manual; t is set to
// the manual's T-state count. Prefixed opcodes are in cb.go, ed.go and
// index.go. The loop is here rather than in Run so that the hot path has
// one function call per prefixed instruction and none per unprefixed one.
func (c *CPU) run(limit uint64, busOp int) {
	var op byte
	if busOp < 0 {
		op = c.Mem[c.PC]
		c.PC++
	} else {
		op = byte(busOp)
	}
	for {
		c.intBlocked, c.afterLDAIR = false, false
		c.R = c.R&0x80 | (c.R+1)&0x7F // one M1 cycle
		var t, t0 int                 // t0: T-states of index prefixes not used
	dispatch:
		switch op {
		case 0x00: // NOP
			t = 4
		case 0x01: // LD BC,nn
			c.SetBC(c.fetch16())
			t = 10
		case 0x02: // LD (BC),A
			c.Mem[c.BC()] = c.A
			c.WZ = uint16(c.A)<<8 | (c.BC()+1)&0xFF
			t = 7
		case 0x03: // INC BC
			c.SetBC(c.BC() + 1)
			t = 6
		case 0x04: // INC B
			c.B = c.inc8(c.B)
			t = 4
		case 0x05: // DEC B
			c.B = c.dec8(c.B)
			t = 4
		case 0x06: // LD B,n
			c.B = c.fetch()
			t = 7
		case 0x07: // RLCA
			c.A = c.A<<1 | c.A>>7
			c.F = c.F&(FlagS|FlagZ|FlagP) | c.A&(Flag5|Flag3|FlagC)
			t = 4
		case 0x08: // EX AF,AF'
			c.A, c.A_ = c.A_, c.A
			c.F, c.F_ = c.F_, c.F
			t = 4
		case 0x09: // ADD HL,BC
			c.SetHL(c.add16(c.HL(), c.BC()))
			t = 11
		case 0x0A: // LD A,(BC)
			c.A = c.Mem[c.BC()]
			c.WZ = c.BC() + 1
			t = 7
		case 0x0B: // DEC BC
			c.SetBC(c.BC() - 1)
			t = 6
		case 0x0C: // INC C
			c.C = c.inc8(c.C)
			t = 4
		case 0x0D: // DEC C
			c.C = c.dec8(c.C)
			t = 4
		case 0x0E: // LD C,n
			c.C = c.fetch()
			t = 7
		case 0x0F: // RRCA
			c.F = c.F&(FlagS|FlagZ|FlagP) | c.A&FlagC
			c.A = c.A>>1 | c.A<<7
			c.F |= c.A & (Flag5 | Flag3)
			t = 4

		case 0x10: // DJNZ e: 13 taken, 8 not
			d := int8(c.fetch())
			c.B--
			t = 8
			if c.B != 0 {
				c.PC += uint16(d)
				c.WZ = c.PC
				t = 13
			}
		case 0x11: // LD DE,nn
			c.SetDE(c.fetch16())
			t = 10
		case 0x12: // LD (DE),A
			c.Mem[c.DE()] = c.A
			c.WZ = uint16(c.A)<<8 | (c.DE()+1)&0xFF
			t = 7
		case 0x13: // INC DE
			c.SetDE(c.DE() + 1)
			t = 6
		case 0x14: // INC D
			c.D = c.inc8(c.D)
			t = 4
		case 0x15: // DEC D
			c.D = c.dec8(c.D)
			t = 4
		case 0x16: // LD D,n
			c.D = c.fetch()
			t = 7
		case 0x17: // RLA
			a := c.A
			c.A = a<<1 | c.F&FlagC
			c.F = c.F&(FlagS|FlagZ|FlagP) | c.A&(Flag5|Flag3) | a>>7
			t = 4
		case 0x18: // JR e
			d := int8(c.fetch())
			c.PC += uint16(d)
			c.WZ = c.PC
			t = 12
		case 0x19: // ADD HL,DE
			c.SetHL(c.add16(c.HL(), c.DE()))
			t = 11
		case 0x1A: // LD A,(DE)
			c.A = c.Mem[c.DE()]
			c.WZ = c.DE() + 1
			t = 7
		case 0x1B: // DEC DE
			c.SetDE(c.DE() - 1)
			t = 6
		case 0x1C: // INC E
			c.E = c.inc8(c.E)
			t = 4
		case 0x1D: // DEC E
			c.E = c.dec8(c.E)
			t = 4
		case 0x1E: // LD E,n
			c.E = c.fetch()
			t = 7
		case 0x1F: // RRA
			a := c.A
			c.A = a>>1 | c.F<<7
			c.F = c.F&(FlagS|FlagZ|FlagP) | c.A&(Flag5|Flag3) | a&FlagC
			t = 4

		case 0x20: // JR NZ,e: 12 taken, 7 not
			t = c.jr(c.F&FlagZ == 0)
		case 0x21: // LD HL,nn
			c.SetHL(c.fetch16())
			t = 10
		case 0x22: // LD (nn),HL
			a := c.fetch16()
			c.write16(a, c.HL())
			c.WZ = a + 1
			t = 16
		case 0x23: // INC HL
			c.SetHL(c.HL() + 1)
			t = 6
		case 0x24: // INC H
			c.H = c.inc8(c.H)
			t = 4
		case 0x25: // DEC H
			c.H = c.dec8(c.H)
			t = 4
		case 0x26: // LD H,n
			c.H = c.fetch()
			t = 7
		case 0x27: // DAA
			c.daa()
			t = 4
		case 0x28: // JR Z,e
			t = c.jr(c.F&FlagZ != 0)
		case 0x29: // ADD HL,HL
			c.SetHL(c.add16(c.HL(), c.HL()))
			t = 11
		case 0x2A: // LD HL,(nn)
			a := c.fetch16()
			c.SetHL(c.read16(a))
			c.WZ = a + 1
			t = 16
		case 0x2B: // DEC HL
			c.SetHL(c.HL() - 1)
			t = 6
		case 0x2C: // INC L
			c.L = c.inc8(c.L)
			t = 4
		case 0x2D: // DEC L
			c.L = c.dec8(c.L)
			t = 4
		case 0x2E: // LD L,n
			c.L = c.fetch()
			t = 7
		case 0x2F: // CPL
			c.A = ^c.A
			c.F = c.F&(FlagS|FlagZ|FlagP|FlagC) | c.A&(Flag5|Flag3) | FlagH | FlagN
			t = 4

		case 0x30: // JR NC,e
			t = c.jr(c.F&FlagC == 0)
		case 0x31: // LD SP,nn
			c.SP = c.fetch16()
			t = 10
		case 0x32: // LD (nn),A
			a := c.fetch16()
			c.Mem[a] = c.A
			c.WZ = uint16(c.A)<<8 | (a+1)&0xFF
			t = 13
		case 0x33: // INC SP
			c.SP++
			t = 6
		case 0x34: // INC (HL)
			a := c.HL()
			c.Mem[a] = c.inc8(c.Mem[a])
			t = 11
		case 0x35: // DEC (HL)
			a := c.HL()
			c.Mem[a] = c.dec8(c.Mem[a])
			t = 11
		case 0x36: // LD (HL),n
			c.Mem[c.HL()] = c.fetch()
			t = 10
		case 0x37: // SCF
			c.F = c.F&(FlagS|FlagZ|FlagP) | c.A&(Flag5|Flag3) | FlagC
			t = 4
		case 0x38: // JR C,e
			t = c.jr(c.F&FlagC != 0)
		case 0x39: // ADD HL,SP
			c.SetHL(c.add16(c.HL(), c.SP))
			t = 11
		case 0x3A: // LD A,(nn)
			a := c.fetch16()
			c.A = c.Mem[a]
			c.WZ = a + 1
			t = 13
		case 0x3B: // DEC SP
			c.SP--
			t = 6
		case 0x3C: // INC A
			c.A = c.inc8(c.A)
			t = 4
		case 0x3D: // DEC A
			c.A = c.dec8(c.A)
			t = 4
		case 0x3E: // LD A,n
			c.A = c.fetch()
			t = 7
		case 0x3F: // CCF: H takes the old carry
			c.F = c.F&(FlagS|FlagZ|FlagP) | c.A&(Flag5|Flag3) | (c.F&FlagC)<<4 | ^c.F&FlagC
			t = 4

		case 0x76: // HALT: PC stays on the opcode until an interrupt
			if !c.Halted {
				c.HaltedAt = c.T + uint64(4+t0)
			}
			c.Halted = true
			c.PC--
			t = 4
		case 0x40: // LD B,B
			t = 4
		case 0x41: // LD B,C
			c.B = c.C
			t = 4
		case 0x42: // LD B,D
			c.B = c.D
			t = 4
		case 0x43: // LD B,E
			c.B = c.E
			t = 4
		case 0x44: // LD B,H
			c.B = c.H
			t = 4
		case 0x45: // LD B,L
			c.B = c.L
			t = 4
		case 0x46: // LD B,(HL)
			c.B = c.Mem[c.HL()]
			t = 7
		case 0x47: // LD B,A
			c.B = c.A
			t = 4
		case 0x48: // LD C,B
			c.C = c.B
			t = 4
		case 0x49: // LD C,C
			t = 4
		case 0x4A: // LD C,D
			c.C = c.D
			t = 4
		case 0x4B: // LD C,E
			c.C = c.E
			t = 4
		case 0x4C: // LD C,H
			c.C = c.H
			t = 4
		case 0x4D: // LD C,L
			c.C = c.L
			t = 4
		case 0x4E: // LD C,(HL)
			c.C = c.Mem[c.HL()]
			t = 7
		case 0x4F: // LD C,A
			c.C = c.A
			t = 4
		case 0x50: // LD D,B
			c.D = c.B
			t = 4
		case 0x51: // LD D,C
			c.D = c.C
			t = 4
		case 0x52: // LD D,D
			t = 4
		case 0x53: // LD D,E
			c.D = c.E
			t = 4
		case 0x54: // LD D,H
			c.D = c.H
			t = 4
		case 0x55: // LD D,L
			c.D = c.L
			t = 4
		case 0x56: // LD D,(HL)
			c.D = c.Mem[c.HL()]
			t = 7
		case 0x57: // LD D,A
			c.D = c.A
			t = 4
		case 0x58: // LD E,B
			c.E = c.B
			t = 4
		case 0x59: // LD E,C
			c.E = c.C
			t = 4
		case 0x5A: // LD E,D
			c.E = c.D
			t = 4
		case 0x5B: // LD E,E
			t = 4
		case 0x5C: // LD E,H
			c.E = c.H
			t = 4
		case 0x5D: // LD E,L
			c.E = c.L
			t = 4
		case 0x5E: // LD E,(HL)
			c.E = c.Mem[c.HL()]
			t = 7
		case 0x5F: // LD E,A
			c.E = c.A
			t = 4
		case 0x60: // LD H,B
			c.H = c.B
			t = 4
		case 0x61: // LD H,C
			c.H = c.C
			t = 4
		case 0x62: // LD H,D
			c.H = c.D
			t = 4
		case 0x63: // LD H,E
			c.H = c.E
			t = 4
		case 0x64: // LD H,H
			t = 4
		case 0x65: // LD H,L
			c.H = c.L
			t = 4
		case 0x66: // LD H,(HL)
			c.H = c.Mem[c.HL()]
			t = 7
		case 0x67: // LD H,A
			c.H = c.A
			t = 4
		case 0x68: // LD L,B
			c.L = c.B
			t = 4
		case 0x69: // LD L,C
			c.L = c.C
			t = 4
		case 0x6A: // LD L,D
			c.L = c.D
			t = 4
		case 0x6B: // LD L,E
			c.L = c.E
			t = 4
		case 0x6C: // LD L,H
			c.L = c.H
			t = 4
		case 0x6D: // LD L,L
			t = 4
		case 0x6E: // LD L,(HL)
			c.L = c.Mem[c.HL()]
			t = 7
		case 0x6F: // LD L,A
			c.L = c.A
			t = 4
		case 0x70: // LD (HL),B
			c.Mem[c.HL()] = c.B
			t = 7
		case 0x71: // LD (HL),C
			c.Mem[c.HL()] = c.C
			t = 7
		case 0x72: // LD (HL),D
			c.Mem[c.HL()] = c.D
			t = 7
		case 0x73: // LD (HL),E
			c.Mem[c.HL()] = c.E
			t = 7
		case 0x74: // LD (HL),H
			c.Mem[c.HL()] = c.H
			t = 7
		case 0x75: // LD (HL),L
			c.Mem[c.HL()] = c.L
			t = 7
		case 0x77: // LD (HL),A
			c.Mem[c.HL()] = c.A
			t = 7
		case 0x78: // LD A,B
			c.A = c.B
			t = 4
		case 0x79: // LD A,C
			c.A = c.C
			t = 4
		case 0x7A: // LD A,D
			c.A = c.D
			t = 4
		case 0x7B: // LD A,E
			c.A = c.E
			t = 4
		case 0x7C: // LD A,H
			c.A = c.H
			t = 4
		case 0x7D: // LD A,L
			c.A = c.L
			t = 4
		case 0x7E: // LD A,(HL)
			c.A = c.Mem[c.HL()]
			t = 7
		case 0x7F: // LD A,A
			t = 4
		case 0x80: // ADD A,B
			c.add8(c.B)
			t = 4
		case 0x81: // ADD A,C
			c.add8(c.C)
			t = 4
		case 0x82: // ADD A,D
			c.add8(c.D)
			t = 4
		case 0x83: // ADD A,E
			c.add8(c.E)
			t = 4
		case 0x84: // ADD A,H
			c.add8(c.H)
			t = 4
		case 0x85: // ADD A,L
			c.add8(c.L)
			t = 4
		case 0x86: // ADD A,(HL)
			c.add8(c.Mem[c.HL()])
			t = 7
		case 0x87: // ADD A,A
			c.add8(c.A)
			t = 4
		case 0x88: // ADC A,B
			c.adc8(c.B)
			t = 4
		case 0x89: // ADC A,C
			c.adc8(c.C)
			t = 4
		case 0x8A: // ADC A,D
			c.adc8(c.D)
			t = 4
		case 0x8B: // ADC A,E
			c.adc8(c.E)
			t = 4
		case 0x8C: // ADC A,H
			c.adc8(c.H)
			t = 4
		case 0x8D: // ADC A,L
			c.adc8(c.L)
			t = 4
		case 0x8E: // ADC A,(HL)
			c.adc8(c.Mem[c.HL()])
			t = 7
		case 0x8F: // ADC A,A
			c.adc8(c.A)
			t = 4
		case 0x90: // SUB B
			c.sub8(c.B)
			t = 4
		case 0x91: // SUB C
			c.sub8(c.C)
			t = 4
		case 0x92: // SUB D
			c.sub8(c.D)
			t = 4
		case 0x93: // SUB E
			c.sub8(c.E)
			t = 4
		case 0x94: // SUB H
			c.sub8(c.H)
			t = 4
		case 0x95: // SUB L
			c.sub8(c.L)
			t = 4
		case 0x96: // SUB (HL)
			c.sub8(c.Mem[c.HL()])
			t = 7
		case 0x97: // SUB A
			c.sub8(c.A)
			t = 4
		case 0x98: // SBC A,B
			c.sbc8(c.B)
			t = 4
		case 0x99: // SBC A,C
			c.sbc8(c.C)
			t = 4
		case 0x9A: // SBC A,D
			c.sbc8(c.D)
			t = 4
		case 0x9B: // SBC A,E
			c.sbc8(c.E)
			t = 4
		case 0x9C: // SBC A,H
			c.sbc8(c.H)
			t = 4
		case 0x9D: // SBC A,L
			c.sbc8(c.L)
			t = 4
		case 0x9E: // SBC A,(HL)
			c.sbc8(c.Mem[c.HL()])
			t = 7
		case 0x9F: // SBC A,A
			c.sbc8(c.A)
			t = 4
		case 0xA0: // AND B
			c.and8(c.B)
			t = 4
		case 0xA1: // AND C
			c.and8(c.C)
			t = 4
		case 0xA2: // AND D
			c.and8(c.D)
			t = 4
		case 0xA3: // AND E
			c.and8(c.E)
			t = 4
		case 0xA4: // AND H
			c.and8(c.H)
			t = 4
		case 0xA5: // AND L
			c.and8(c.L)
			t = 4
		case 0xA6: // AND (HL)
			c.and8(c.Mem[c.HL()])
			t = 7
		case 0xA7: // AND A
			c.and8(c.A)
			t = 4
		case 0xA8: // XOR B
			c.xor8(c.B)
			t = 4
		case 0xA9: // XOR C
			c.xor8(c.C)
			t = 4
		case 0xAA: // XOR D
			c.xor8(c.D)
			t = 4
		case 0xAB: // XOR E
			c.xor8(c.E)
			t = 4
		case 0xAC: // XOR H
			c.xor8(c.H)
			t = 4
		case 0xAD: // XOR L
			c.xor8(c.L)
			t = 4
		case 0xAE: // XOR (HL)
			c.xor8(c.Mem[c.HL()])
			t = 7
		case 0xAF: // XOR A
			c.xor8(c.A)
			t = 4
		case 0xB0: // OR B
			c.or8(c.B)
			t = 4
		case 0xB1: // OR C
			c.or8(c.C)
			t = 4
		case 0xB2: // OR D
			c.or8(c.D)
			t = 4
		case 0xB3: // OR E
			c.or8(c.E)
			t = 4
		case 0xB4: // OR H
			c.or8(c.H)
			t = 4
		case 0xB5: // OR L
			c.or8(c.L)
			t = 4
		case 0xB6: // OR (HL)
			c.or8(c.Mem[c.HL()])
			t = 7
		case 0xB7: // OR A
			c.or8(c.A)
			t = 4
		case 0xB8: // CP B
			c.cp8(c.B)
			t = 4
		case 0xB9: // CP C
			c.cp8(c.C)
			t = 4
		case 0xBA: // CP D
			c.cp8(c.D)
			t = 4
		case 0xBB: // CP E
			c.cp8(c.E)
			t = 4
		case 0xBC: // CP H
			c.cp8(c.H)
			t = 4
		case 0xBD: // CP L
			c.cp8(c.L)
			t = 4
		case 0xBE: // CP (HL)
			c.cp8(c.Mem[c.HL()])
			t = 7
		case 0xBF: // CP A
			c.cp8(c.A)
			t = 4

		case 0xC0: // RET NZ: 11 taken, 5 not
			t = c.retCC(c.F&FlagZ == 0)
		case 0xC1: // POP BC
			c.SetBC(c.pop())
			t = 10
		case 0xC2: // JP NZ,nn
			t = c.jp(c.F&FlagZ == 0)
		case 0xC3: // JP nn
			t = c.jp(true)
		case 0xC4: // CALL NZ,nn: 17 taken, 10 not
			t = c.call(c.F&FlagZ == 0)
		case 0xC5: // PUSH BC
			c.push(c.BC())
			t = 11
		case 0xC6: // ADD A,n
			c.add8(c.fetch())
			t = 7
		case 0xC7: // RST 00h
			t = c.rst(0x00)
		case 0xC8: // RET Z
			t = c.retCC(c.F&FlagZ != 0)
		case 0xC9: // RET
			c.PC = c.pop()
			c.WZ = c.PC
			t = 10
		case 0xCA: // JP Z,nn
			t = c.jp(c.F&FlagZ != 0)
		case 0xCB: // CB prefix
			op = c.fetch()
			c.incR()
			t = c.execCB(op)
		case 0xCC: // CALL Z,nn
			t = c.call(c.F&FlagZ != 0)
		case 0xCD: // CALL nn
			t = c.call(true)
		case 0xCE: // ADC A,n
			c.adc8(c.fetch())
			t = 7
		case 0xCF: // RST 08h
			t = c.rst(0x08)

		case 0xD0: // RET NC
			t = c.retCC(c.F&FlagC == 0)
		case 0xD1: // POP DE
			c.SetDE(c.pop())
			t = 10
		case 0xD2: // JP NC,nn
			t = c.jp(c.F&FlagC == 0)
		case 0xD3: // OUT (n),A
			n := c.fetch()
			c.out(uint16(c.A)<<8|uint16(n), c.A)
			c.WZ = uint16(c.A)<<8 | uint16(n+1)
			t = 11
		case 0xD4: // CALL NC,nn
			t = c.call(c.F&FlagC == 0)
		case 0xD5: // PUSH DE
			c.push(c.DE())
			t = 11
		case 0xD6: // SUB n
			c.sub8(c.fetch())
			t = 7
		case 0xD7: // RST 10h
			t = c.rst(0x10)
		case 0xD8: // RET C
			t = c.retCC(c.F&FlagC != 0)
		case 0xD9: // EXX
			c.B, c.B_ = c.B_, c.B
			c.C, c.C_ = c.C_, c.C
			c.D, c.D_ = c.D_, c.D
			c.E, c.E_ = c.E_, c.E
			c.H, c.H_ = c.H_, c.H
			c.L, c.L_ = c.L_, c.L
			t = 4
		case 0xDA: // JP C,nn
			t = c.jp(c.F&FlagC != 0)
		case 0xDB: // IN A,(n)
			port := uint16(c.A)<<8 | uint16(c.fetch())
			c.A = c.in(port)
			c.WZ = port + 1
			t = 11
		case 0xDC: // CALL C,nn
			t = c.call(c.F&FlagC != 0)
		case 0xDD: // DD prefix: IX
			op = c.fetch()
			c.incR()
			if t = c.execXY(op, &c.IX); t == 0 {
				// Not an index instruction: the prefix was a 4 T-state NOP.
				t0 += 4
				goto dispatch
			}
		case 0xDE: // SBC A,n
			c.sbc8(c.fetch())
			t = 7
		case 0xDF: // RST 18h
			t = c.rst(0x18)

		case 0xE0: // RET PO
			t = c.retCC(c.F&FlagP == 0)
		case 0xE1: // POP HL
			c.SetHL(c.pop())
			t = 10
		case 0xE2: // JP PO,nn
			t = c.jp(c.F&FlagP == 0)
		case 0xE3: // EX (SP),HL
			v := c.read16(c.SP)
			c.write16(c.SP, c.HL())
			c.SetHL(v)
			c.WZ = v
			t = 19
		case 0xE4: // CALL PO,nn
			t = c.call(c.F&FlagP == 0)
		case 0xE5: // PUSH HL
			c.push(c.HL())
			t = 11
		case 0xE6: // AND n
			c.and8(c.fetch())
			t = 7
		case 0xE7: // RST 20h
			t = c.rst(0x20)
		case 0xE8: // RET PE
			t = c.retCC(c.F&FlagP != 0)
		case 0xE9: // JP (HL)
			c.PC = c.HL()
			t = 4
		case 0xEA: // JP PE,nn
			t = c.jp(c.F&FlagP != 0)
		case 0xEB: // EX DE,HL
			c.D, c.H = c.H, c.D
			c.E, c.L = c.L, c.E
			t = 4
		case 0xEC: // CALL PE,nn
			t = c.call(c.F&FlagP != 0)
		case 0xED: // ED prefix
			op = c.fetch()
			c.incR()
			t = c.execED(op)
		case 0xEE: // XOR n
			c.xor8(c.fetch())
			t = 7
		case 0xEF: // RST 28h
			t = c.rst(0x28)

		case 0xF0: // RET P
			t = c.retCC(c.F&FlagS == 0)
		case 0xF1: // POP AF
			c.SetAF(c.pop())
			t = 10
		case 0xF2: // JP P,nn
			t = c.jp(c.F&FlagS == 0)
		case 0xF3: // DI
			c.IFF1, c.IFF2 = false, false
			t = 4
		case 0xF4: // CALL P,nn
			t = c.call(c.F&FlagS == 0)
		case 0xF5: // PUSH AF
			c.push(c.AF())
			t = 11
		case 0xF6: // OR n
			c.or8(c.fetch())
			t = 7
		case 0xF7: // RST 30h
			t = c.rst(0x30)
		case 0xF8: // RET M
			t = c.retCC(c.F&FlagS != 0)
		case 0xF9: // LD SP,HL
			c.SP = c.HL()
			t = 6
		case 0xFA: // JP M,nn
			t = c.jp(c.F&FlagS != 0)
		case 0xFB: // EI: interrupts are accepted only after the next instruction
			c.IFF1, c.IFF2 = true, true
			c.intBlocked = true
			t = 4
		case 0xFC: // CALL M,nn
			t = c.call(c.F&FlagS != 0)
		case 0xFD: // FD prefix: IY
			op = c.fetch()
			c.incR()
			if t = c.execXY(op, &c.IY); t == 0 {
				t0 += 4
				goto dispatch
			}
		case 0xFE: // CP n
			c.cp8(c.fetch())
			t = 7
		default: // 0xFF: RST 38h
			t = c.rst(0x38)
		}
		c.T += uint64(t + t0)
		if c.T >= limit || c.traps[c.PC>>6]&(1<<(c.PC&63)) != 0 || c.nmiLine || c.intLine && c.IFF1 || c.Halted {
			return
		}
		op = c.Mem[c.PC]
		c.PC++
	}
}

// jr is JR cc,e: 12 T-states taken, 7 not.
func (c *CPU) jr(cond bool) int {
	d := int8(c.fetch())
	if cond {
		c.PC += uint16(d)
		c.WZ = c.PC
		return 12
	}
	return 7
}

// jp is JP cc,nn: 10 T-states either way; MEMPTR = nn either way.
func (c *CPU) jp(cond bool) int {
	a := c.fetch16()
	c.WZ = a
	if cond {
		c.PC = a
	}
	return 10
}

// call is CALL cc,nn: 17 T-states taken, 10 not; MEMPTR = nn either way.
func (c *CPU) call(cond bool) int {
	a := c.fetch16()
	c.WZ = a
	if cond {
		c.push(c.PC)
		c.PC = a
		return 17
	}
	return 10
}

// retCC is RET cc: 11 T-states taken, 5 not.
func (c *CPU) retCC(cond bool) int {
	if cond {
		c.PC = c.pop()
		c.WZ = c.PC
		return 11
	}
	return 5
}

// rst is RST p: 11 T-states.
func (c *CPU) rst(p uint16) int {
	c.push(c.PC)
	c.PC = p
	c.WZ = p
	return 11
}
