package asm

import "strings"

// opKind classifies an instruction operand.
type opKind uint8

const (
	oReg opKind = iota // register or condition name
	oInd               // (hl) (bc) (de) (sp) (c)
	oIdx               // (ix+d) (iy+d), or bare (ix) (iy)
	oMem               // (expr): a memory address or port
	oImm               // expr
)

type operand struct {
	kind opKind
	reg  string // lower-case register or condition name (oReg, oInd, oIdx)
	bare bool   // oIdx written without displacement
	val  value  // oMem, oImm: the expression; oIdx: the displacement
	col  int
}

// regNames are the reserved register and condition names.
var regNames = map[string]bool{
	"a": true, "b": true, "c": true, "d": true, "e": true, "h": true, "l": true, "i": true, "r": true, "f": true,
	"ixh": true, "ixl": true, "iyh": true, "iyl": true,
	"af": true, "af'": true, "bc": true, "de": true, "hl": true, "sp": true, "ix": true, "iy": true,
	"nz": true, "z": true, "nc": true, "po": true, "pe": true, "p": true, "m": true,
}

var simpleOps = map[string][]byte{
	"nop": {0x00}, "halt": {0x76}, "di": {0xF3}, "ei": {0xFB}, "exx": {0xD9}, "daa": {0x27},
	"cpl": {0x2F}, "scf": {0x37}, "ccf": {0x3F}, "rlca": {0x07}, "rrca": {0x0F}, "rla": {0x17}, "rra": {0x1F},
	"neg": {0xED, 0x44}, "rld": {0xED, 0x6F}, "rrd": {0xED, 0x67}, "reti": {0xED, 0x4D}, "retn": {0xED, 0x45},
	"ldi": {0xED, 0xA0}, "ldir": {0xED, 0xB0}, "ldd": {0xED, 0xA8}, "lddr": {0xED, 0xB8},
	"cpi": {0xED, 0xA1}, "cpir": {0xED, 0xB1}, "cpd": {0xED, 0xA9}, "cpdr": {0xED, 0xB9},
	"ini": {0xED, 0xA2}, "inir": {0xED, 0xB2}, "ind": {0xED, 0xAA}, "indr": {0xED, 0xBA},
	"outi": {0xED, 0xA3}, "otir": {0xED, 0xB3}, "outd": {0xED, 0xAB}, "otdr": {0xED, 0xBB},
}

// aluOps are the accumulator operations: base opcode of the register form;
// the immediate form is base+46h.
var aluOps = map[string]byte{"add": 0x80, "adc": 0x88, "sub": 0x90, "sbc": 0x98, "and": 0xA0, "xor": 0xA8, "or": 0xB0, "cp": 0xB8}

// cbOps are the CB-prefixed shifts and rotates. SLL is undocumented; SLI and
// SL1 are other names for it.
var cbOps = map[string]byte{"rlc": 0x00, "rrc": 0x08, "rl": 0x10, "rr": 0x18, "sla": 0x20, "sra": 0x28, "sll": 0x30, "sli": 0x30, "sl1": 0x30, "srl": 0x38}

var bitOps = map[string]byte{"bit": 0x40, "res": 0x80, "set": 0xC0}

var mnemonics = map[string]bool{}

func init() {
	for _, m := range []map[string][]byte{simpleOps} {
		for k := range m {
			mnemonics[k] = true
		}
	}
	for _, m := range []map[string]byte{aluOps, cbOps, bitOps} {
		for k := range m {
			mnemonics[k] = true
		}
	}
	for _, k := range strings.Fields("ld inc dec push pop ex jp jr djnz call ret rst im in out") {
		mnemonics[k] = true
	}
	for _, m := range []map[string]bool{mnemonics, directives, regNames, exprKeywords} {
		for k := range m {
			keywords[k] = k
		}
	}
}

var r8Codes = map[string]int{"b": 0, "c": 1, "d": 2, "e": 3, "h": 4, "l": 5, "a": 7}

// Register pair codes in bits 4-5: rp for LD/ADD/INC, rp2 for PUSH/POP.
var rpCodes = map[string]int{"bc": 0, "de": 1, "hl": 2, "sp": 3}
var rp2Codes = map[string]int{"bc": 0, "de": 1, "hl": 2, "af": 3}

var ccCodes = map[string]int{"nz": 0, "z": 1, "nc": 2, "c": 3, "po": 4, "pe": 5, "p": 6, "m": 7}

// reg8 is an operand usable where the opcode has a 3-bit register field.
type reg8 struct {
	code   int  // 0..7, 6 = (hl) or (ix+d)
	prefix byte // 0, DDh or FDh
	mem    bool // (hl) or (ix+d)
	half   bool // IXH IXL IYH IYL
	disp   value
	col    int
}

func indexPrefix(r string) byte {
	if r[:2] == "ix" {
		return 0xDD
	}
	return 0xFD
}

func asReg8(o operand) (reg8, bool) {
	switch o.kind {
	case oReg:
		if c, ok := r8Codes[o.reg]; ok {
			return reg8{code: c}, true
		}
		switch o.reg {
		case "ixh", "iyh":
			return reg8{code: 4, prefix: indexPrefix(o.reg), half: true}, true
		case "ixl", "iyl":
			return reg8{code: 5, prefix: indexPrefix(o.reg), half: true}, true
		}
	case oInd:
		if o.reg == "hl" {
			return reg8{code: 6, mem: true}, true
		}
	case oIdx:
		return reg8{code: 6, prefix: indexPrefix(o.reg), mem: true, disp: o.val, col: o.col}, true
	}
	return reg8{}, false
}

// plain reports a register among B C D E H L A.
func (r reg8) plain() bool { return !r.mem && r.prefix == 0 }

// encoder assembles one instruction into out.
type encoder struct {
	a   *assembler
	mn  string
	ops []operand
	out []byte
}

func (e *encoder) emit(b ...byte) { e.out = append(e.out, b...) }

func (e *encoder) imm8(o operand) byte { return e.a.byteVal(o.val, o.col) }

func (e *encoder) imm16(o operand) {
	w := e.a.word(o.val, o.col)
	e.emit(byte(w), byte(w>>8))
}

func (e *encoder) disp(r reg8) byte {
	if r.disp.known && (r.disp.v < -128 || r.disp.v > 127) {
		e.a.errorAt(r.col, "index offset %d out of range -128..127", r.disp.v)
	}
	return byte(r.disp.v)
}

// withReg emits prefix, opcode, displacement for an opcode whose register
// field r is already merged in.
func (e *encoder) withReg(r reg8, opcode ...byte) {
	if r.prefix != 0 {
		e.emit(r.prefix)
	}
	e.emit(opcode[0])
	if r.prefix != 0 && r.mem {
		e.emit(e.disp(r))
	}
	e.emit(opcode[1:]...)
}

// cb emits a CB-prefixed opcode on r: CB op, or DD CB d op.
func (e *encoder) cb(r reg8, op byte) {
	if r.prefix != 0 {
		e.emit(r.prefix, 0xCB, e.disp(r), op)
		return
	}
	e.emit(0xCB, op)
}

func (e *encoder) is(i int, k opKind, reg string) bool {
	o := e.ops[i]
	return o.kind == k && (reg == "" || o.reg == reg)
}

func (e *encoder) rel(o operand) byte {
	if o.kind != oImm {
		return 0
	}
	d := o.val.v - int64(e.a.stmtPC+2)
	if o.val.known && (d < -128 || d > 127) {
		e.a.errorAt(o.col, "jump target out of reach: offset %d, must be -128..127", d)
	}
	return byte(d)
}

// indexReg returns the prefix for IX or IY, or 0 for HL (and ok for all three).
func indexReg(o operand) (prefix byte, ok bool) {
	if o.kind != oReg {
		return 0, false
	}
	switch o.reg {
	case "hl":
		return 0, true
	case "ix", "iy":
		return indexPrefix(o.reg), true
	}
	return 0, false
}

// encode fills e.out; false means no form of the mnemonic takes the operands.
func (e *encoder) encode() bool {
	ops := e.ops
	n := len(ops)
	if b, ok := simpleOps[e.mn]; ok {
		e.emit(b...)
		return n == 0
	}
	if base, ok := aluOps[e.mn]; ok {
		return e.alu(base)
	}
	if op, ok := cbOps[e.mn]; ok {
		return e.shift(op)
	}
	if op, ok := bitOps[e.mn]; ok {
		return e.bit(op)
	}
	switch e.mn {
	case "ld":
		return n == 2 && e.ld(ops[0], ops[1])
	case "inc", "dec":
		if n != 1 {
			return false
		}
		dec := 0
		if e.mn == "dec" {
			dec = 1
		}
		if r, ok := asReg8(ops[0]); ok {
			e.withReg(r, byte(0x04+dec|r.code<<3))
			return true
		}
		if p, ok := indexReg(ops[0]); ok && p != 0 {
			e.emit(p, byte(0x23+dec*8))
			return true
		}
		if c, ok := rpCodes[ops[0].reg]; ok && ops[0].kind == oReg {
			e.emit(byte(0x03 + dec*8 | c<<4))
			return true
		}
	case "push", "pop":
		if n != 1 || ops[0].kind != oReg {
			return false
		}
		op := byte(0xC5)
		if e.mn == "pop" {
			op = 0xC1
		}
		if c, ok := rp2Codes[ops[0].reg]; ok {
			e.emit(op | byte(c<<4))
			return true
		}
		if p, ok := indexReg(ops[0]); ok {
			e.emit(p, op|0x20)
			return true
		}
	case "ex":
		switch {
		case n != 2:
		case e.is(0, oReg, "de") && e.is(1, oReg, "hl"):
			e.emit(0xEB)
			return true
		case e.is(0, oReg, "af") && e.is(1, oReg, "af'"):
			e.emit(0x08)
			return true
		case e.is(0, oInd, "sp"):
			if p, ok := indexReg(ops[1]); ok {
				if p != 0 {
					e.emit(p)
				}
				e.emit(0xE3)
				return true
			}
		}
	case "jp":
		if n == 1 {
			switch {
			case ops[0].kind == oImm:
				e.emit(0xC3)
				e.imm16(ops[0])
				return true
			case e.is(0, oInd, "hl"):
				e.emit(0xE9)
				return true
			case ops[0].kind == oIdx && ops[0].bare:
				e.emit(indexPrefix(ops[0].reg), 0xE9)
				return true
			}
		}
		if n == 2 && ops[0].kind == oReg && ops[1].kind == oImm {
			if c, ok := ccCodes[ops[0].reg]; ok {
				e.emit(0xC2 | byte(c<<3))
				e.imm16(ops[1])
				return true
			}
		}
	case "call":
		if n == 1 && ops[0].kind == oImm {
			e.emit(0xCD)
			e.imm16(ops[0])
			return true
		}
		if n == 2 && ops[0].kind == oReg && ops[1].kind == oImm {
			if c, ok := ccCodes[ops[0].reg]; ok {
				e.emit(0xC4 | byte(c<<3))
				e.imm16(ops[1])
				return true
			}
		}
	case "jr":
		if n == 1 && ops[0].kind == oImm {
			e.emit(0x18, e.rel(ops[0]))
			return true
		}
		if n == 2 && ops[0].kind == oReg && ops[1].kind == oImm {
			if c, ok := ccCodes[ops[0].reg]; ok && c < 4 {
				e.emit(0x20|byte(c<<3), e.rel(ops[1]))
				return true
			}
		}
	case "djnz":
		if n == 1 && ops[0].kind == oImm {
			e.emit(0x10, e.rel(ops[0]))
			return true
		}
	case "ret":
		if n == 0 {
			e.emit(0xC9)
			return true
		}
		if n == 1 && ops[0].kind == oReg {
			if c, ok := ccCodes[ops[0].reg]; ok {
				e.emit(0xC0 | byte(c<<3))
				return true
			}
		}
	case "rst":
		if n == 1 && ops[0].kind == oImm {
			v := ops[0].val
			if v.known && (v.v < 0 || v.v > 0x38 || v.v%8 != 0) {
				e.a.errorAt(ops[0].col, "RST address must be 0, 8, 10h, ... 38h, got %s", hexVal(v.v))
			}
			e.emit(0xC7 | byte(v.v&0x38))
			return true
		}
	case "im":
		if n == 1 && ops[0].kind == oImm {
			v := ops[0].val
			codes := [3]byte{0x46, 0x56, 0x5E}
			if v.known && (v.v < 0 || v.v > 2) {
				e.a.errorAt(ops[0].col, "interrupt mode must be 0, 1 or 2, got %d", v.v)
				v.v = 0
			}
			e.emit(0xED, codes[v.v&3%3])
			return true
		}
	case "in":
		return e.in()
	case "out":
		return e.outInstr()
	}
	return false
}

func (e *encoder) alu(base byte) bool {
	ops := e.ops
	if len(ops) == 2 {
		// ADD/ADC/SBC HL,rr and ADD IX,rr.
		if p, ok := indexReg(ops[0]); ok && ops[1].kind == oReg {
			src := ops[1].reg
			if src == ops[0].reg {
				src = "hl"
			} else if src == "hl" || src == "ix" || src == "iy" {
				return false
			}
			c, ok := rpCodes[src]
			switch {
			case !ok:
				return false
			case base == 0x80:
				if p != 0 {
					e.emit(p)
				}
				e.emit(0x09 | byte(c<<4))
				return true
			case p != 0:
				return false
			case base == 0x88:
				e.emit(0xED, 0x4A|byte(c<<4))
				return true
			case base == 0x98:
				e.emit(0xED, 0x42|byte(c<<4))
				return true
			}
			return false
		}
		if !e.is(0, oReg, "a") {
			return false
		}
		ops = ops[1:]
	}
	if len(ops) != 1 {
		return false
	}
	if r, ok := asReg8(ops[0]); ok {
		e.withReg(r, base|byte(r.code))
		return true
	}
	if ops[0].kind == oImm {
		e.emit(base+0x46, e.imm8(ops[0]))
		return true
	}
	return false
}

func (e *encoder) shift(op byte) bool {
	ops := e.ops
	if len(ops) == 0 {
		return false
	}
	r, ok := asReg8(ops[0])
	if !ok || r.half {
		return false
	}
	switch len(ops) {
	case 1:
		e.cb(r, op|byte(r.code))
		return true
	case 2:
		// Undocumented DD CB d op+r: shift (ix+d) and copy the result to r.
		c, ok := asReg8(ops[1])
		if !ok || r.prefix == 0 || !c.plain() {
			return false
		}
		e.cb(r, op|byte(c.code))
		return true
	}
	return false
}

func (e *encoder) bit(op byte) bool {
	ops := e.ops
	if len(ops) < 2 || len(ops) > 3 || ops[0].kind != oImm {
		return false
	}
	b := ops[0].val
	if b.known && (b.v < 0 || b.v > 7) {
		e.a.errorAt(ops[0].col, "bit number %d out of range 0..7", b.v)
	}
	r, ok := asReg8(ops[1])
	if !ok || r.half {
		return false
	}
	code := r.code
	if len(ops) == 3 {
		// Undocumented RES/SET b,(ix+d),r: also copy the result to r.
		c, ok := asReg8(ops[2])
		if !ok || op == 0x40 || r.prefix == 0 || !c.plain() {
			return false
		}
		code = c.code
	}
	e.cb(r, op|byte(b.v&7)<<3|byte(code))
	return true
}

func (e *encoder) ld(dst, src operand) bool {
	d, dok := asReg8(dst)
	s, sok := asReg8(src)
	switch {
	case dok && sok:
		switch {
		case d.mem && s.mem:
			return false // would be HALT
		case d.prefix != 0 && s.prefix != 0 && d.prefix != s.prefix:
			return false
		case (d.half && !s.half && s.code >= 4 && s.code <= 6) || (s.half && !d.half && d.code >= 4 && d.code <= 6):
			return false // H, L, (HL) and (IX+d) cannot pair with an index half
		}
		r := d
		if s.prefix != 0 {
			r = s
		}
		e.withReg(r, byte(0x40|d.code<<3|s.code))
		return true
	case dok && src.kind == oImm:
		if d.prefix != 0 && d.mem {
			e.emit(d.prefix, 0x36, e.disp(d), e.imm8(src))
			return true
		}
		e.withReg(d, byte(0x06|d.code<<3))
		e.emit(e.imm8(src))
		return true
	}
	// Accumulator to and from memory, I and R.
	if dst.kind == oReg && dst.reg == "a" {
		switch {
		case src.kind == oInd && src.reg == "bc":
			e.emit(0x0A)
			return true
		case src.kind == oInd && src.reg == "de":
			e.emit(0x1A)
			return true
		case src.kind == oMem:
			e.emit(0x3A)
			e.imm16(src)
			return true
		case src.kind == oReg && src.reg == "i":
			e.emit(0xED, 0x57)
			return true
		case src.kind == oReg && src.reg == "r":
			e.emit(0xED, 0x5F)
			return true
		}
	}
	if src.kind == oReg && src.reg == "a" {
		switch {
		case dst.kind == oInd && dst.reg == "bc":
			e.emit(0x02)
			return true
		case dst.kind == oInd && dst.reg == "de":
			e.emit(0x12)
			return true
		case dst.kind == oMem:
			e.emit(0x32)
			e.imm16(dst)
			return true
		case dst.kind == oReg && dst.reg == "i":
			e.emit(0xED, 0x47)
			return true
		case dst.kind == oReg && dst.reg == "r":
			e.emit(0xED, 0x4F)
			return true
		}
	}
	// 16-bit loads.
	if dst.kind == oReg && dst.reg == "sp" {
		if p, ok := indexReg(src); ok {
			if p != 0 {
				e.emit(p)
			}
			e.emit(0xF9)
			return true
		}
	}
	if p, ok := indexReg(dst); ok {
		switch src.kind {
		case oImm, oMem:
			if p != 0 {
				e.emit(p)
			}
			if src.kind == oImm {
				e.emit(0x21)
			} else {
				e.emit(0x2A)
			}
			e.imm16(src)
			return true
		}
		return false
	}
	if p, ok := indexReg(src); ok && dst.kind == oMem {
		if p != 0 {
			e.emit(p)
		}
		e.emit(0x22)
		e.imm16(dst)
		return true
	}
	if c, ok := rpCodes[dst.reg]; ok && dst.kind == oReg {
		switch src.kind {
		case oImm:
			e.emit(0x01 | byte(c<<4))
			e.imm16(src)
			return true
		case oMem:
			e.emit(0xED, 0x4B|byte(c<<4))
			e.imm16(src)
			return true
		}
	}
	if c, ok := rpCodes[src.reg]; ok && src.kind == oReg && dst.kind == oMem {
		e.emit(0xED, 0x43|byte(c<<4))
		e.imm16(dst)
		return true
	}
	return false
}

func (e *encoder) in() bool {
	ops := e.ops
	switch {
	case len(ops) == 1 && e.is(0, oInd, "c"):
		e.emit(0xED, 0x70) // undocumented IN (C): flags only
		return true
	case len(ops) != 2:
		return false
	case e.is(0, oReg, "a") && ops[1].kind == oMem:
		e.emit(0xDB, e.imm8(ops[1]))
		return true
	case e.is(1, oInd, "c"):
		if e.is(0, oReg, "f") {
			e.emit(0xED, 0x70)
			return true
		}
		if r, ok := asReg8(ops[0]); ok && r.plain() {
			e.emit(0xED, byte(0x40|r.code<<3))
			return true
		}
	}
	return false
}

func (e *encoder) outInstr() bool {
	ops := e.ops
	switch {
	case len(ops) != 2:
		return false
	case ops[0].kind == oMem && e.is(1, oReg, "a"):
		e.emit(0xD3, e.imm8(ops[0]))
		return true
	case e.is(0, oInd, "c"):
		if ops[1].kind == oImm {
			// Undocumented OUT (C),0 (on CMOS parts it sends FFh).
			if ops[1].val.known && ops[1].val.v != 0 {
				e.a.errorAt(ops[1].col, "OUT (C) can only send a register or 0")
			}
			e.emit(0xED, 0x71)
			return true
		}
		if r, ok := asReg8(ops[1]); ok && r.plain() {
			e.emit(0xED, byte(0x41|r.code<<3))
			return true
		}
	}
	return false
}

// instruction assembles a Z80 instruction whose mnemonic is at t.
func (a *assembler) instruction(t token, rest []token) {
	mn := keyword(t.text)
	if !mnemonics[mn] {
		a.errorAt(t.col, "unknown instruction %s", t.text)
		return
	}
	if _, simple := simpleOps[mn]; simple && rest[0].kind != tEOL {
		a.errorAt(rest[0].col, "%s takes no operands", strings.ToUpper(mn))
		return
	}
	ops, ok := a.operands(rest)
	if !ok {
		return
	}
	e := encoder{a: a, mn: mn, ops: ops}
	if !e.encode() {
		col := t.col
		text := strings.ToUpper(mn)
		if len(ops) > 0 {
			col = ops[0].col
			text += " " + strings.TrimSpace(stripComment(a.text[col-1:]))
		}
		a.errorAt(col, "invalid instruction %s", text)
		return
	}
	a.emit(e.out...)
}

// stripComment cuts a line at its comment, respecting quotes.
func stripComment(s string) string {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == ';':
			return s[:i]
		case c == '"' || (c == '\'' && !(i >= 2 && strings.EqualFold(s[i-2:i], "af"))):
			quote = c
		}
	}
	return s
}

// operands parses the comma-separated operands in toks (ending with tEOL).
func (a *assembler) operands(toks []token) ([]operand, bool) {
	var ops []operand
	if toks[0].kind == tEOL {
		return nil, true
	}
	start, depth := 0, 0
	for i := 0; ; i++ {
		t := toks[i]
		switch {
		case isOp(t, "("):
			depth++
		case isOp(t, ")"):
			depth--
		case t.kind == tEOL || (depth == 0 && isOp(t, ",")):
			if i == start {
				a.errorAt(t.col, "missing operand")
				return nil, false
			}
			o, ok := a.operand(toks[start:i], t.col)
			if !ok {
				return nil, false
			}
			ops = append(ops, o)
			if t.kind == tEOL {
				return ops, true
			}
			start = i + 1
		}
	}
}

// operand parses one operand; endCol is the column just after it.
func (a *assembler) operand(ts []token, endCol int) (operand, bool) {
	first := ts[0]
	o := operand{col: first.col}
	if len(ts) == 1 && first.kind == tIdent {
		if r := keyword(first.text); regNames[r] {
			o.kind, o.reg = oReg, r
			return o, true
		}
	}
	if isOp(first, "(") && closeParen(ts) == len(ts)-1 {
		inner := ts[1 : len(ts)-1]
		if len(inner) >= 1 && inner[0].kind == tIdent {
			r := keyword(inner[0].text)
			switch {
			case len(inner) == 1 && (r == "ix" || r == "iy"):
				o.kind, o.reg, o.bare, o.val = oIdx, r, true, value{known: true}
				return o, true
			case len(inner) == 1 && (r == "hl" || r == "bc" || r == "de" || r == "sp" || r == "c"):
				o.kind, o.reg = oInd, r
				return o, true
			case (r == "ix" || r == "iy") && (isOp(inner[1], "+") || isOp(inner[1], "-")):
				o.kind, o.reg, o.col = oIdx, r, inner[1].col
				var ok bool
				o.val, ok = a.exprOf(inner[1:], ts[len(ts)-1].col)
				return o, ok
			}
		}
		o.kind = oMem
		var ok bool
		o.val, ok = a.exprOf(inner, ts[len(ts)-1].col)
		return o, ok
	}
	o.kind = oImm
	var ok bool
	o.val, ok = a.exprOf(ts, endCol)
	return o, ok
}

// closeParen returns the index of the parenthesis closing ts[0].
func closeParen(ts []token) int {
	depth := 0
	for i, t := range ts {
		if isOp(t, "(") {
			depth++
		} else if isOp(t, ")") {
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// exprOf evaluates ts as one whole expression; false after an error.
func (a *assembler) exprOf(ts []token, endCol int) (value, bool) {
	buf := make([]token, len(ts)+1)
	copy(buf, ts)
	buf[len(ts)] = token{kind: tEOL, col: endCol}
	p := &exprParser{a: a, toks: buf}
	v := p.expr()
	if a.exprErr(p) {
		return v, false
	}
	if t := p.peek(); t.kind != tEOL {
		a.errorAt(t.col, "unexpected %s in operand", describe(t))
		return v, false
	}
	return v, true
}
