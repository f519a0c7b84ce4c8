package asm

import (
	"fmt"
	"strings"
)

// directives are the operation names that are not instructions.
var directives = map[string]bool{
	"equ": true, "defl": true, "org": true, "db": true, "defb": true, "defm": true,
	"dw": true, "defw": true, "ds": true, "defs": true, "align": true, "include": true,
	"incbin": true, "if": true, "ifdef": true, "ifndef": true, "else": true, "endif": true,
	"macro": true, "endm": true, "rept": true, "endr": true, "end": true, "local": true,
}

// isOpName reports whether an identifier names an operation, so that a
// colonless name in column 1 is a label only when it cannot be one.
func (a *assembler) isOpName(s string) bool {
	if l := keyword(s); directives[l] || mnemonics[l] {
		return true
	}
	_, ok := a.macros[s]
	return ok
}

// split finds the label (if any) and the index of the operation token.
func (a *assembler) split(toks []token) (label *token, op int) {
	t0 := toks[0]
	if t0.kind != tIdent {
		return nil, 0
	}
	if isOp(toks[1], ":") {
		return &toks[0], 2
	}
	if t0.col == 1 && !a.isOpName(t0.text) {
		return &toks[0], 1
	}
	if t1 := toks[1]; isOp(t1, "=") || (t1.kind == tIdent && (isOp(t1, "equ") || isOp(t1, "defl") || isOp(t1, "macro"))) {
		return &toks[0], 1
	}
	return nil, 0
}

// opName is the lower-case operation at toks[i], "=" for an assignment,
// or "" when there is none.
func opName(toks []token, i int) string {
	switch t := toks[i]; {
	case t.kind == tIdent:
		if k := keyword(t.text); k != "" {
			return k
		}
		return strings.ToLower(t.text)
	case isOp(t, "="):
		return "="
	}
	return ""
}

func (a *assembler) active() bool { return len(a.conds) == 0 || a.conds[len(a.conds)-1].active }

// statement assembles the current line.
func (a *assembler) statement() {
	a.toks = lexLine(a.text, a.toks)
	toks := a.toks
	a.stmtPC = a.pc
	// The listing line goes in first: MACRO and REPT list their bodies.
	li := len(a.list)
	if a.final {
		a.list = append(a.list, listLine{file: a.file, line: a.line, text: a.text, macro: !a.frames[len(a.frames)-1].isFile, origin: a.frames[0].idx, addr: a.pc, start: len(a.listData), end: len(a.listData)})
	}
	label, oi := a.split(toks)
	name := opName(toks, oi)
	if !a.active() {
		a.skipped(name, toks[oi])
		return
	}
	hasAddr := label != nil // a label line shows its address
	var equ *value          // an EQU line shows its value instead
	switch name {
	case "equ", "=", "defl":
		hasAddr = false
		if label == nil {
			a.errorAt(toks[oi].col, "%s needs a name", strings.ToUpper(name))
			break
		}
		p := &exprParser{a: a, toks: toks, pos: oi + 1}
		v := p.expr()
		if a.exprErr(p) || !a.endOfStatement(p) {
			break
		}
		kind := symEqu
		if name == "defl" {
			kind = symDefl
		}
		a.define(*label, v, kind)
		equ = &v
	case "macro":
		a.defineMacro(label, toks, oi)
		hasAddr = false
	default:
		if label != nil {
			a.define(*label, value{v: int64(a.pc), known: true}, symLabel)
		}
		if name != "" || toks[oi].kind != tEOL {
			a.operation(name, toks, oi)
		}
	}
	if a.final {
		l := &a.list[li]
		l.end = len(a.listData)
		l.hasAddr = hasAddr || l.end > l.start
		if equ != nil {
			l.value, l.hasValue = equ.v, true
		}
		switch name {
		case "ds", "defs", "align":
			l.short = true
		}
	}
}

// skipped handles a line inside a false IF branch: only the nesting counts.
func (a *assembler) skipped(name string, t token) {
	switch name {
	case "if", "ifdef", "ifndef":
		a.conds = append(a.conds, cond{taken: true, file: a.file, line: a.line})
	case "else":
		a.elseDirective(t)
	case "endif":
		a.endifDirective(t)
	}
}

// endOfStatement checks that the parser consumed the whole line.
func (a *assembler) endOfStatement(p *exprParser) bool {
	if t := p.peek(); t.kind != tEOL {
		a.errorAt(t.col, "unexpected %s after the operands", describe(t))
		return false
	}
	return true
}

// operation dispatches a directive, a macro call or an instruction.
func (a *assembler) operation(name string, toks []token, oi int) {
	t := toks[oi]
	p := &exprParser{a: a, toks: toks, pos: oi + 1}
	switch name {
	case "org":
		v := p.expr()
		if a.exprErr(p) || !a.endOfStatement(p) {
			return
		}
		if !v.known {
			a.errorAt(t.col, "ORG address must be defined before this line")
			return
		}
		if v.v < 0 || v.v > 0xFFFF {
			a.errorAt(t.col+4, "ORG address %d out of range 0..FFFFh", v.v)
			return
		}
		a.pc = int(v.v)
		a.overflow = false
	case "db", "defb", "defm":
		a.defb(p)
	case "dw", "defw":
		for {
			v := p.expr()
			if a.exprErr(p) {
				return
			}
			w := a.word(v, t.col)
			a.emit(byte(w), byte(w>>8))
			if !a.listSep(p) {
				return
			}
		}
	case "ds", "defs":
		a.defs(p, t)
	case "align":
		v := p.expr()
		if a.exprErr(p) || !a.endOfStatement(p) {
			return
		}
		if !v.known {
			a.errorAt(t.col, "ALIGN boundary must be defined before this line")
			return
		}
		if v.v < 1 || v.v > 0x10000 {
			a.errorAt(t.col, "ALIGN boundary %d out of range 1..65536", v.v)
			return
		}
		for a.pc%int(v.v) != 0 && a.emitByte(0) {
		}
	case "include", "incbin":
		f := p.next()
		if f.kind != tStr {
			a.errorAt(f.col, "%s needs a quoted file name", strings.ToUpper(name))
			return
		}
		if !a.endOfStatement(p) {
			return
		}
		if name == "include" {
			a.include(f)
		} else {
			a.incbin(f)
		}
	case "if", "ifdef", "ifndef":
		a.ifDirective(name, p, t)
	case "else":
		a.elseDirective(t)
	case "endif":
		a.endifDirective(t)
	case "rept":
		a.rept(p, toks, oi)
	case "endm", "endr":
		a.errorAt(t.col, "%s without MACRO or REPT", strings.ToUpper(name))
	case "local":
		if top := a.frames[len(a.frames)-1]; top.macro == "" {
			a.errorAt(t.col, "LOCAL outside a macro")
		}
	case "end":
		a.ended = true
	default:
		if m, ok := a.macros[t.text]; ok && m.pass == a.pass && t.kind == tIdent {
			a.expand(m, t)
			return
		}
		if t.kind != tIdent {
			a.errorAt(t.col, "expected an instruction or directive, found %s", describe(t))
			return
		}
		a.instruction(t, toks[oi+1:])
	}
}

// listSep consumes the comma between list items; false at the end.
func (a *assembler) listSep(p *exprParser) bool {
	t := p.next()
	if isOp(t, ",") {
		return true
	}
	if t.kind != tEOL {
		a.errorAt(t.col, "expected , or end of line, found %s", describe(t))
	}
	return false
}

// defb emits numbers, characters and strings.
func (a *assembler) defb(p *exprParser) {
	for {
		t := p.peek()
		if t.kind == tStr {
			if n := p.toks[p.pos+1]; n.kind == tEOL || isOp(n, ",") {
				p.next()
				a.emit([]byte(t.text)...)
				if !a.listSep(p) {
					return
				}
				continue
			}
		}
		v := p.expr()
		if a.exprErr(p) {
			return
		}
		a.emitByte(a.byteVal(v, t.col))
		if !a.listSep(p) {
			return
		}
	}
}

// defs reserves space: DS count [, fill].
func (a *assembler) defs(p *exprParser, t token) {
	n := p.expr()
	if a.exprErr(p) {
		return
	}
	fill := value{known: true}
	fillCol := 0
	if isOp(p.peek(), ",") {
		p.next()
		fillCol = p.peek().col
		fill = p.expr()
		if a.exprErr(p) {
			return
		}
	}
	if !a.endOfStatement(p) {
		return
	}
	if !n.known {
		a.errorAt(t.col, "DS count must be defined before this line")
		return
	}
	if n.v < 0 || n.v > 0x10000 {
		a.errorAt(t.col, "DS count %d out of range 0..65536", n.v)
		return
	}
	b := a.byteVal(fill, fillCol)
	for i := int64(0); i < n.v && a.emitByte(b); i++ {
	}
}

func (a *assembler) incbin(f token) {
	p := a.resolvePath(f.text)
	b, ok := a.bins[p]
	if !ok {
		var err error
		if b, err = a.readFile(p); err != nil {
			a.errorAt(f.col, "cannot read %s: %v", f.text, err)
			return
		}
		a.bins[p] = b
	}
	if len(b) > 0x10000 {
		a.errorAt(f.col, "%s is larger than 64 KB", f.text)
		return
	}
	a.emit(b...)
}

// byteVal checks that v fits a byte, as unsigned or signed.
func (a *assembler) byteVal(v value, col int) byte {
	if v.known && (v.v < -128 || v.v > 255) {
		a.errorAt(col, "value %d (%s) does not fit in a byte", v.v, hexVal(v.v))
	}
	return byte(v.v)
}

// word checks that v fits 16 bits, as unsigned or signed.
func (a *assembler) word(v value, col int) uint16 {
	if v.known && (v.v < -32768 || v.v > 65535) {
		a.errorAt(col, "value %d (%s) does not fit in a word", v.v, hexVal(v.v))
	}
	return uint16(v.v)
}

func hexVal(v int64) string {
	if v < 0 {
		return fmt.Sprintf("-%Xh", -v)
	}
	return fmt.Sprintf("%Xh", v)
}

func (a *assembler) ifDirective(name string, p *exprParser, t token) {
	var on bool
	if name == "if" {
		v := p.expr()
		if a.exprErr(p) || !a.endOfStatement(p) {
			v = value{known: true}
		} else if !v.known {
			a.errorAt(t.col, "IF condition must be defined before this line")
		}
		on = v.v != 0
	} else {
		s := p.next()
		if s.kind != tIdent {
			a.errorAt(s.col, "%s needs a symbol name", strings.ToUpper(name))
		} else if a.endOfStatement(p) {
			// Only symbols defined earlier in this pass count, so that
			// both passes take the same branch.
			sym := a.syms[a.qualify(s.text)]
			_, isMacro := a.macros[s.text]
			on = (sym != nil && sym.pass == a.pass) || isMacro
		}
		if name == "ifndef" {
			on = !on
		}
	}
	a.conds = append(a.conds, cond{active: on, taken: on, outer: true, file: a.file, line: a.line})
}

func (a *assembler) elseDirective(t token) {
	if len(a.conds) <= a.frames[len(a.frames)-1].ifDepth {
		a.errorAt(t.col, "ELSE without IF")
		return
	}
	c := &a.conds[len(a.conds)-1]
	if c.seenElse {
		a.errorAt(t.col, "second ELSE for the IF at line %d", c.line)
		return
	}
	c.seenElse = true
	c.active = c.outer && !c.taken
	c.taken = true
}

func (a *assembler) endifDirective(t token) {
	if len(a.conds) <= a.frames[len(a.frames)-1].ifDepth {
		a.errorAt(t.col, "ENDIF without IF")
		return
	}
	a.conds = a.conds[:len(a.conds)-1]
}

// block collects the lines of a MACRO or REPT body up to its ENDM/ENDR
// from the current frame. ok is false when the frame ends first.
func (a *assembler) block() (body []bodyLine, ok bool) {
	f := a.frames[len(a.frames)-1]
	depth := 1
	var toks []token
	for f.idx < f.len() {
		a.setPos(f, f.idx)
		f.idx++
		toks = lexLine(a.text, toks)
		_, oi := a.split(toks)
		switch opName(toks, oi) {
		case "macro", "rept":
			depth++
		case "endm", "endr":
			depth--
		}
		if a.final {
			a.list = append(a.list, listLine{file: a.file, line: a.line, text: a.text, macro: !a.frames[len(a.frames)-1].isFile, origin: a.frames[0].idx})
		}
		if depth == 0 {
			return body, true
		}
		body = append(body, bodyLine{text: a.text, file: a.file, line: a.line})
	}
	return body, false
}

// defineMacro handles "name MACRO p1, p2" and "MACRO name, p1, p2".
func (a *assembler) defineMacro(label *token, toks []token, oi int) {
	file, line, start := a.file, a.line, toks[oi]
	i := oi + 1
	if label == nil {
		if toks[i].kind != tIdent {
			a.errorAt(toks[i].col, "MACRO needs a name")
		} else {
			label = &toks[i]
			i++
			if isOp(toks[i], ",") {
				i++
			}
		}
	}
	var params []string
	for toks[i].kind != tEOL {
		if toks[i].kind != tIdent {
			a.errorAt(toks[i].col, "macro parameter must be a name, found %s", describe(toks[i]))
			break
		}
		params = append(params, toks[i].text)
		i++
		if isOp(toks[i], ",") {
			i++
		}
	}
	name := ""
	if label != nil {
		name = label.text
	}
	body, ok := a.block()
	if !ok {
		a.errorPos(file, line, start.col, "MACRO without ENDM")
		a.stopping = a.stopping || a.pass == 1
		return
	}
	if name == "" {
		return
	}
	if m, dup := a.macros[name]; dup && m.pass == a.pass {
		a.errorPos(file, line, label.col, fmt.Sprintf("macro %s already defined at %s:%d", name, m.file, m.line))
		return
	}
	a.macros[name] = &macro{name: name, params: params, body: body, file: file, line: line, pass: a.pass}
}

func (a *assembler) macroDepth() int {
	n := 0
	for _, f := range a.frames {
		if !f.isFile {
			n++
		}
	}
	return n
}

// expand pushes a macro expansion with its arguments substituted and its
// LOCAL names made unique.
func (a *assembler) expand(m *macro, t token) {
	if a.macroDepth() >= maxMacroDepth {
		a.fatal(t.col, "macro recursion: %s nested more than %d deep", m.name, maxMacroDepth)
		return
	}
	args := splitArgs(a.text[t.col-1+len(t.text):])
	if len(args) > len(m.params) {
		a.errorAt(t.col, "macro %s takes %d arguments, got %d", m.name, len(m.params), len(args))
		return
	}
	repl := map[string]string{}
	for i, p := range m.params {
		repl[p] = ""
		if i < len(args) {
			repl[p] = args[i]
		}
	}
	a.serial++
	var toks []token
	for _, b := range m.body {
		toks = lexLine(b.text, toks)
		if _, oi := a.split(toks); opName(toks, oi) == "local" {
			for _, l := range toks[oi+1:] {
				if l.kind == tIdent {
					repl[l.text] = fmt.Sprintf("%s??%d", l.text, a.serial)
				}
			}
		}
	}
	body := make([]bodyLine, len(m.body))
	for i, b := range m.body {
		body[i] = bodyLine{text: substitute(b.text, repl), file: b.file, line: b.line}
	}
	a.frames = append(a.frames, &frame{body: body, macro: m.name, call: fmt.Sprintf("%s:%d", a.file, a.line), ifDepth: len(a.conds)})
}

// rept pushes REPT count's body count times.
func (a *assembler) rept(p *exprParser, toks []token, oi int) {
	file, line, col := a.file, a.line, toks[oi].col
	n := p.expr()
	ok := !a.exprErr(p) && a.endOfStatement(p)
	switch {
	case !ok:
	case !n.known:
		a.errorAt(col, "REPT count must be defined before this line")
		ok = false
	case n.v < 0 || n.v > 0xFFFF:
		a.errorAt(col, "REPT count %d out of range 0..65535", n.v)
		ok = false
	case a.macroDepth() >= maxMacroDepth:
		a.errorAt(col, "REPT nested more than %d deep", maxMacroDepth)
		ok = false
	}
	body, closed := a.block()
	if !closed {
		a.errorPos(file, line, col, "REPT without ENDR")
		return
	}
	if ok && n.v > 0 && len(body) > 0 {
		a.frames = append(a.frames, &frame{body: body, repeat: int(n.v) - 1, ifDepth: len(a.conds)})
	}
}

// splitArgs splits macro arguments at top-level commas, up to a comment.
func splitArgs(s string) []string {
	var args []string
	depth, start := 0, 0
	var quote byte
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			if c == '\'' && i >= 2 && strings.EqualFold(s[i-2:i], "af") {
				continue
			}
			quote = c
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				args = append(args, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		case ';':
			goto done
		}
	}
done:
	last := strings.TrimSpace(s[start:i])
	if last != "" || len(args) > 0 {
		args = append(args, last)
	}
	return args
}

// substitute replaces whole identifiers of line found in repl, leaving
// strings and the comment alone.
func substitute(line string, repl map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == ';':
			b.WriteString(line[i:])
			return b.String()
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(line) && line[j] != c {
				j++
			}
			if j < len(line) {
				j++
			}
			b.WriteString(line[i:j])
			i = j
		case isIdentStart(c):
			j := i
			for j < len(line) && isIdentChar(line[j]) {
				j++
			}
			id := line[i:j]
			if j < len(line) && line[j] == '\'' && strings.EqualFold(id, "af") {
				j++
				id = line[i:j]
			}
			if r, ok := repl[id]; ok {
				b.WriteString(r)
			} else {
				b.WriteString(id)
			}
			i = j
		case isDigit(c):
			j := i
			for j < len(line) && isAlnum(line[j]) {
				j++
			}
			b.WriteString(line[i:j])
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}
