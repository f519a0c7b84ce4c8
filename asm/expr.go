package asm

import (
	"fmt"
	"strings"
)

// value is the result of an expression. Before the final pass a forward
// reference may not be known yet; its value is 0 and nothing may be checked
// against it.
type value struct {
	v     int64
	known bool
}

// exprParser reads expressions from a token slice. The first error stops
// the statement; later tokens are not examined.
type exprParser struct {
	a    *assembler
	toks []token
	pos  int
	err  *Error
}

func (p *exprParser) peek() token { return p.toks[p.pos] }
func (p *exprParser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOL {
		p.pos++
	}
	return t
}

func (p *exprParser) fail(col int, format string, args ...any) {
	if p.err == nil {
		p.err = &Error{Col: col, Msg: fmt.Sprintf(format, args...)}
	}
}

// isOp reports whether t is the operator or keyword op (keywords compare
// case-insensitively).
func isOp(t token, op string) bool {
	switch t.kind {
	case tOp:
		return t.text == op
	case tIdent:
		return strings.EqualFold(t.text, op)
	}
	return false
}

// binaryLevel gives the precedence of each binary operator, higher binds
// tighter. The order is C's, but shifts bind as tightly as multiplication,
// as in both pasmo and binutils (1 SHL 2 + 1 = 5 in both).
var binaryLevel = map[string]int{
	"||": 1,
	"&&": 2,
	"|":  3, "OR": 3,
	"^": 4, "XOR": 4,
	"&": 5, "AND": 5,
	"==": 6, "=": 6, "!=": 6, "<>": 6, "EQ": 6, "NE": 6,
	"<": 7, "<=": 7, ">": 7, ">=": 7, "LT": 7, "LE": 7, "GT": 7, "GE": 7,
	"+": 8, "-": 8,
	"*": 9, "/": 9, "%": 9, "MOD": 9, "<<": 9, ">>": 9, "SHL": 9, "SHR": 9,
}

// binaryOp returns the canonical operator t stands for and its level, or
// level 0 when t is no binary operator.
func binaryOp(t token) (string, int) {
	switch t.kind {
	case tOp:
		return t.text, binaryLevel[t.text]
	case tIdent:
		if k := keyword(t.text); exprKeywords[k] {
			op := strings.ToUpper(k)
			return op, binaryLevel[op]
		}
	}
	return "", 0
}

// expr parses one full expression.
func (p *exprParser) expr() value { return p.binary(1) }

// binary parses operands joined by operators of at least level min
// (precedence climbing; all operators are left-associative).
func (p *exprParser) binary(min int) value {
	l := p.unary()
	for p.err == nil {
		t := p.peek()
		op, level := binaryOp(t)
		if level < min {
			return l
		}
		p.next()
		r := p.binary(level + 1)
		l = p.apply(t, op, l, r)
	}
	return l
}

func boolVal(b bool) int64 {
	if b {
		return -1 // true is all ones, as in pasmo and binutils
	}
	return 0
}

func (p *exprParser) apply(t token, op string, l, r value) value {
	out := value{known: l.known && r.known}
	a, b := l.v, r.v
	switch op {
	case "||":
		out.v = boolVal(a != 0 || b != 0)
	case "&&":
		out.v = boolVal(a != 0 && b != 0)
	case "|", "OR":
		out.v = a | b
	case "^", "XOR":
		out.v = a ^ b
	case "&", "AND":
		out.v = a & b
	case "==", "=", "EQ":
		out.v = boolVal(a == b)
	case "!=", "<>", "NE":
		out.v = boolVal(a != b)
	case "<", "LT":
		out.v = boolVal(a < b)
	case "<=", "LE":
		out.v = boolVal(a <= b)
	case ">", "GT":
		out.v = boolVal(a > b)
	case ">=", "GE":
		out.v = boolVal(a >= b)
	case "+":
		out.v = a + b
	case "-":
		out.v = a - b
	case "*":
		out.v = a * b
	case "/", "%", "MOD":
		if b == 0 {
			if out.known {
				p.fail(t.col, "division by zero")
			}
			return value{}
		}
		if op == "/" {
			out.v = a / b
		} else {
			out.v = a % b
		}
	case "<<", "SHL":
		out.v = a << uint64(b&63)
	case ">>", "SHR":
		out.v = a >> uint64(b&63) // arithmetic, as binutils does
	}
	// Keep values in 32 bits so that no chain of operators overflows int64.
	out.v = int64(int32(out.v))
	return out
}

// unary parses prefix operators, which bind tightest, as in binutils and C:
// -1+2 is 1. pasmo 0.5.3 disagrees (its unary operators bind looser than
// + - * / and shifts, so it reads -1+2 as -3 and -1 SHR 1 as 0); we follow
// binutils and arithmetic. Sources meant for pasmo too should parenthesize.
func (p *exprParser) unary() value {
	t := p.peek()
	switch {
	case isOp(t, "-"):
		p.next()
		v := p.unary()
		v.v = int64(int32(-v.v))
		return v
	case isOp(t, "+"):
		p.next()
		return p.unary()
	case isOp(t, "~") || isOp(t, "NOT"):
		p.next()
		v := p.unary()
		v.v = ^v.v
		return v
	case isOp(t, "!"):
		p.next()
		v := p.unary()
		v.v = boolVal(v.v == 0)
		return v
	case isOp(t, "HIGH") || isOp(t, "LOW"):
		// HIGH and LOW take the whole rest of the expression, as in pasmo
		// where they have the lowest precedence: HIGH(x)+1 is HIGH(x+1).
		// Reading it otherwise would give other bytes than pasmo for the
		// same source; write (HIGH x)+1 for the other meaning.
		p.next()
		v := p.expr()
		if isOp(t, "HIGH") {
			v.v = v.v >> 8 & 0xFF
		} else {
			v.v &= 0xFF
		}
		return v
	}
	return p.primary()
}

func (p *exprParser) primary() value {
	t := p.next()
	switch t.kind {
	case tNum:
		return value{v: t.val, known: true}
	case tStr:
		if len(t.text) != 1 {
			p.fail(t.col, "character constant must be one character, got %q", t.text)
			return value{}
		}
		return value{v: int64(t.text[0]), known: true}
	case tIdent:
		return p.a.lookup(p, t)
	case tBad:
		p.fail(t.col, "%s", t.msg)
		return value{}
	case tOp:
		switch t.text {
		case "$":
			return value{v: int64(p.a.stmtPC), known: true}
		case "(":
			v := p.expr()
			if c := p.next(); !isOp(c, ")") && p.err == nil {
				p.fail(c.col, "missing ) to close ( at column %d", t.col)
			}
			return v
		}
	}
	if t.kind == tEOL {
		p.fail(t.col, "missing value at end of line")
	} else {
		p.fail(t.col, "unexpected %s in expression", describe(t))
	}
	return value{}
}

// describe names a token for error messages.
func describe(t token) string {
	switch t.kind {
	case tEOL:
		return "end of line"
	case tStr:
		return fmt.Sprintf("string %q", t.text)
	case tNum:
		return "number " + t.text
	}
	return "'" + t.text + "'"
}
