package asm

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Options control an assembly.
type Options struct {
	Org uint16 // initial origin; ORG in the source overrides it
	FS  fs.FS  // for INCLUDE and INCBIN; nil = host file system relative to the including file
}

// Program is the result of a successful assembly.
type Program struct {
	Org     uint16 // address of Bytes[0]
	Bytes   []byte // from the lowest to the highest address written, gaps zero
	Symbols map[string]int

	list     []listLine
	listData []byte
}

// Error is one assembly error at a source position.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg) }

// ErrorList holds every error of a run, in source order of discovery.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Limits that keep hostile or broken sources from running away.
const (
	maxErrors       = 20
	maxIncludes     = 32      // include nesting
	maxMacroDepth   = 64      // macro and REPT nesting
	maxLines        = 1 << 19 // statements per pass, counting every expansion
	maxLayoutPasses = 8       // passes before the final one
)

type symKind uint8

const (
	symLabel symKind = iota
	symEqu
	symDefl
)

type symbol struct {
	val   int64
	known bool // false while the defining expression has an unresolved forward reference
	kind  symKind
	pass  int // last pass that defined it
	file  string
	line  int
}

type macro struct {
	name   string
	params []string
	body   []bodyLine
	file   string
	line   int
	pass   int
}

// bodyLine is a line of a MACRO or REPT block with its origin.
type bodyLine struct {
	text string
	file string
	line int
}

// frame is a source of lines: a file, a macro expansion or a REPT block.
type frame struct {
	file    string   // file name for positions of file lines
	lines   []string // file lines (body == nil)
	body    []bodyLine
	idx     int
	repeat  int    // REPT: remaining passes over body after this one
	isFile  bool   // an INCLUDE or the main file
	ifDepth int    // depth of the IF stack when the frame started
	macro   string // name of the macro being expanded, for messages
	call    string // "file:line" of the macro call
}

func (f *frame) len() int {
	if f.body != nil {
		return len(f.body)
	}
	return len(f.lines)
}

type cond struct {
	active   bool // this branch is assembled
	taken    bool // some branch of this IF was active
	seenElse bool
	outer    bool // the enclosing code is active
	line     int
	file     string
}

type assembler struct {
	opt   Options
	pass  int  // 1, 2, ...: numbers the passes, for "defined in this pass"
	final bool // the last pass: reports undefined symbols, emits, lists
	pc    int  // may run past FFFFh, which is an error
	ended bool

	syms   map[string]*symbol
	macros map[string]*macro
	scope  string // last global label, prefix of local labels

	frames []*frame
	conds  []cond
	files  map[string][]string // source lines per file, read once
	bins   map[string][]byte   // INCBIN contents, read once

	// position of the statement being assembled
	file   string
	line   int
	text   string
	stmtPC int
	inMac  string // "in macro X called at f:l", empty outside expansions
	lines  int
	toks   []token
	serial int // numbers macro expansions for LOCAL names

	image    [65536]byte
	lo, hi   int // written range [lo, hi), lo > hi when nothing is written
	overflow bool

	list     []listLine
	listData []byte

	errs     ErrorList
	errSeen  map[string]bool
	tooMany  bool
	stopping bool
}

// Assemble assembles src, which was read from filename (used in messages
// and to resolve INCLUDE and INCBIN).
func Assemble(filename string, src []byte, opt Options) (*Program, error) {
	a := &assembler{
		opt:     opt,
		syms:    map[string]*symbol{},
		macros:  map[string]*macro{},
		files:   map[string][]string{filename: splitLines(src)},
		bins:    map[string][]byte{},
		errSeen: map[string]bool{},
	}
	// Layout passes define the symbols; they repeat while that resolves
	// more forward references (x EQU y+1 before y EQU end-start before
	// end:). The final pass checks and emits.
	unknown := -1
	for a.pass = 1; !a.stopping; a.pass++ {
		if a.final {
			// The last pass counted the statements and bytes to list.
			a.list = make([]listLine, 0, a.lines)
			a.listData = make([]byte, 0, max(a.hi-a.lo, 0))
		}
		a.run(filename)
		if a.final {
			break
		}
		n := a.unknownSymbols()
		a.final = n == 0 || n == unknown || a.pass >= maxLayoutPasses
		unknown = n
	}
	if len(a.errs) > 0 {
		a.sortErrors()
		return nil, a.errs
	}
	p := &Program{Org: opt.Org, Symbols: map[string]int{}, list: a.list, listData: a.listData}
	if a.lo < a.hi {
		p.Org = uint16(a.lo)
		p.Bytes = append([]byte(nil), a.image[a.lo:a.hi]...)
	}
	for name, s := range a.syms {
		p.Symbols[name] = int(s.val)
	}
	return p, nil
}

func splitLines(src []byte) []string {
	s := strings.TrimPrefix(string(src), "\uFEFF") // a byte order mark some editors write
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// run is one pass over the program.
func (a *assembler) run(filename string) {
	a.pc = int(a.opt.Org)
	a.lo, a.hi = 65536, 0
	a.ended, a.overflow = false, false
	a.scope, a.serial, a.lines = "", 0, 0
	a.conds = a.conds[:0]
	a.frames = append(a.frames[:0], &frame{file: filename, lines: a.files[filename], isFile: true})
	for len(a.frames) > 0 && !a.ended && !a.stopping {
		f := a.frames[len(a.frames)-1]
		if f.idx >= f.len() {
			if f.repeat > 0 {
				f.repeat--
				f.idx = 0
				continue
			}
			a.popFrame(f)
			continue
		}
		a.setPos(f, f.idx)
		f.idx++
		if a.lines++; a.lines > maxLines {
			a.fatal(1, "more than %d lines assembled; a REPT count or macro recursion runs away", maxLines)
			break
		}
		a.statement()
	}
	if !a.ended {
		for _, c := range a.conds {
			a.errorPos(c.file, c.line, 1, "IF without ENDIF")
		}
	}
}

func (a *assembler) setPos(f *frame, i int) {
	if f.body != nil {
		b := f.body[i]
		a.file, a.line, a.text = b.file, b.line, b.text
	} else {
		a.file, a.line, a.text = f.file, i+1, f.lines[i]
	}
	a.inMac = ""
	if f.macro != "" {
		a.inMac = " (in macro " + f.macro + " called at " + f.call + ")"
	}
}

func (a *assembler) popFrame(f *frame) {
	a.frames = a.frames[:len(a.frames)-1]
	if len(a.conds) > f.ifDepth {
		// An IF opened inside an include or expansion must close there.
		for _, c := range a.conds[f.ifDepth:] {
			a.errorPos(c.file, c.line, 1, "IF without ENDIF")
		}
		a.conds = a.conds[:f.ifDepth]
	}
}

// errorAt records an error at a column of the current statement. Both
// passes report; the second report of the same error is dropped. Pass 1
// checks nothing that depends on a forward reference.
func (a *assembler) errorAt(col int, format string, args ...any) {
	a.errorPos(a.file, a.line, col, fmt.Sprintf(format, args...)+a.inMac)
}

// fatal records an error in either pass and stops the assembly.
func (a *assembler) fatal(col int, format string, args ...any) {
	a.errorPos(a.file, a.line, col, fmt.Sprintf(format, args...)+a.inMac)
	a.stopping = true
}

// errorPos records an error once, up to maxErrors.
func (a *assembler) errorPos(file string, line, col int, msg string) {
	if col < 1 {
		col = 1
	}
	e := &Error{File: file, Line: line, Col: col, Msg: msg}
	key := e.Error()
	if a.errSeen[key] || a.tooMany {
		return
	}
	a.errSeen[key] = true
	if len(a.errs) == maxErrors {
		a.errs = append(a.errs, &Error{File: file, Line: line, Col: col, Msg: "too many errors"})
		a.tooMany, a.stopping = true, true
		return
	}
	a.errs = append(a.errs, e)
}

// sortErrors orders the errors by position, files in order of first
// appearance, as the two passes find them out of order.
func (a *assembler) sortErrors() {
	rank := map[string]int{}
	for _, e := range a.errs {
		if _, ok := rank[e.File]; !ok {
			rank[e.File] = len(rank)
		}
	}
	sort.SliceStable(a.errs, func(i, j int) bool {
		x, y := a.errs[i], a.errs[j]
		if x.Msg == "too many errors" || y.Msg == "too many errors" {
			return y.Msg == "too many errors" && x.Msg != y.Msg
		}
		if x.File != y.File {
			return rank[x.File] < rank[y.File]
		}
		if x.Line != y.Line {
			return x.Line < y.Line
		}
		return x.Col < y.Col
	})
}

// unknownSymbols counts the symbols whose value is not known yet.
func (a *assembler) unknownSymbols() int {
	n := 0
	for _, s := range a.syms {
		if !s.known {
			n++
		}
	}
	return n
}

// exprErr reports a parser's error, if any, and says whether there was one.
func (a *assembler) exprErr(p *exprParser) bool {
	if p.err == nil {
		return false
	}
	a.errorAt(p.err.Col, "%s", p.err.Msg)
	return true
}

// lookup resolves a symbol in an expression.
func (a *assembler) lookup(p *exprParser, t token) value {
	if k := keyword(t.text); k != "" && (regNames[k] || exprKeywords[k]) {
		p.fail(t.col, "%s is not allowed in an expression", t.text)
		return value{}
	}
	name := a.qualify(t.text)
	s := a.syms[name]
	if s == nil {
		if a.final {
			p.fail(t.col, "undefined symbol %s", name)
		}
		return value{}
	}
	if !s.known && a.final {
		p.fail(t.col, "symbol %s has no value: its definition is circular", name)
	}
	return value{v: s.val, known: s.known}
}

var exprKeywords = map[string]bool{
	"mod": true, "shl": true, "shr": true, "and": true, "or": true, "xor": true, "not": true,
	"eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true, "high": true, "low": true,
}

// qualify turns a local label (.name or @name) into its full name.
func (a *assembler) qualify(name string) string {
	if name[0] == '.' || name[0] == '@' {
		return a.scope + name
	}
	return name
}

// define binds name (as written at token t) to v.
func (a *assembler) define(t token, v value, kind symKind) {
	if k := keyword(t.text); k != "" && (regNames[k] || exprKeywords[k]) {
		a.errorAt(t.col, "%s is a reserved word and cannot be a symbol", t.text)
		return
	}
	name := a.qualify(t.text)
	if kind == symLabel && name == t.text {
		a.scope = name
	}
	s := a.syms[name]
	if s == nil {
		a.syms[name] = &symbol{val: v.v, known: v.known, kind: kind, pass: a.pass, file: a.file, line: a.line}
		return
	}
	if s.pass == a.pass {
		if kind == symDefl && s.kind == symDefl {
			s.val, s.known = v.v, v.known
			return
		}
		a.errorAt(t.col, "%s already defined at %s:%d", name, s.file, s.line)
		return
	}
	// First definition in this pass of a symbol from the previous one.
	if kind == symLabel && s.val != v.v && len(a.errs) == 0 {
		a.errorAt(t.col, "label %s moved from %04Xh in the previous pass to %04Xh (a forward reference changed the layout)", name, s.val, v.v)
	}
	*s = symbol{val: v.v, known: v.known, kind: kind, pass: a.pass, file: a.file, line: a.line}
}

// emit writes bytes at the current address, up to FFFFh.
func (a *assembler) emit(b ...byte) {
	for _, c := range b {
		if !a.emitByte(c) {
			return
		}
	}
}

// emitByte writes one byte; false (after an error) beyond FFFFh.
func (a *assembler) emitByte(c byte) bool {
	if a.pc > 0xFFFF {
		if !a.overflow {
			a.overflow = true
			a.errorAt(1, "code runs past FFFFh")
		}
		return false
	}
	if a.final {
		a.image[a.pc] = c
		a.listData = append(a.listData, c)
	}
	a.lo = min(a.lo, a.pc)
	a.hi = max(a.hi, a.pc+1)
	a.pc++
	return true
}

// resolvePath names a file of INCLUDE or INCBIN relative to the including file.
func (a *assembler) resolvePath(name string) string {
	if a.opt.FS != nil {
		p := name
		if !path.IsAbs(name) {
			p = path.Join(path.Dir(a.file), name)
		}
		return strings.TrimPrefix(path.Clean(p), "/")
	}
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(filepath.Dir(a.file), name)
}

func (a *assembler) readFile(p string) ([]byte, error) {
	var b []byte
	var err error
	if a.opt.FS != nil {
		b, err = fs.ReadFile(a.opt.FS, p)
	} else {
		b, err = os.ReadFile(p)
	}
	if pe, ok := err.(*fs.PathError); ok {
		err = pe.Err
	}
	return b, err
}

// include pushes the lines of a file, read once per assembly.
func (a *assembler) include(t token) {
	p := a.resolvePath(t.text)
	depth := 0
	for _, f := range a.frames {
		if f.isFile {
			depth++
			if f.file == p {
				a.errorAt(t.col, "include recursion: %s includes itself", p)
				return
			}
		}
	}
	if depth >= maxIncludes {
		a.errorAt(t.col, "includes nested more than %d deep", maxIncludes)
		return
	}
	lines, ok := a.files[p]
	if !ok {
		b, err := a.readFile(p)
		if err != nil {
			a.errorAt(t.col, "cannot include %s: %v", t.text, err)
			return
		}
		lines = splitLines(b)
		a.files[p] = lines
	}
	a.frames = append(a.frames, &frame{file: p, lines: lines, isFile: true, ifDepth: len(a.conds)})
}
