package asm

import "strings"

// tokKind classifies a token of one source line.
type tokKind uint8

const (
	tEOL   tokKind = iota
	tIdent         // name, mnemonic, register, label (may contain . @ ? _ and end in ' for AF')
	tNum           // numeric literal, already converted
	tStr           // quoted text, quotes removed and doubled quotes undone
	tOp            // punctuation or operator, one or two characters
	tBad           // a character that starts no token, or a malformed literal
)

type token struct {
	kind tokKind
	text string // identifier, operator, string contents or the literal as written
	val  int64  // tNum value
	col  int    // 1-based byte column in the line
	msg  string // tBad: why
}

// lexLine splits one source line (without its newline) into tokens, dropping
// the comment. It appends to toks[:0] so the caller can reuse the slice.
func lexLine(line string, toks []token) []token {
	toks = toks[:0]
	i := 0
	for i < len(line) {
		c := line[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
			continue
		case c == ';':
			i = len(line)
			continue
		case isIdentStart(c):
			for i < len(line) && isIdentChar(line[i]) {
				i++
			}
			// AF' is the only identifier that swallows a quote.
			if i < len(line) && line[i] == '\'' && strings.EqualFold(line[start:i], "af") {
				i++
			}
			toks = append(toks, token{kind: tIdent, text: line[start:i], col: start + 1})
			continue
		case isDigit(c):
			for i < len(line) && isAlnum(line[i]) {
				i++
			}
			toks = append(toks, numToken(line[start:i], start+1))
			continue
		case c == '$' && i+1 < len(line) && isHexDigit(line[i+1]):
			i++
			for i < len(line) && isAlnum(line[i]) {
				i++
			}
			toks = append(toks, radixToken(line[start:i], line[start+1:i], 16, start+1))
			continue
		case c == '%' && i+1 < len(line) && (line[i+1] == '0' || line[i+1] == '1') && binaryPercent(toks, line, i):
			i++
			for i < len(line) && isAlnum(line[i]) {
				i++
			}
			toks = append(toks, radixToken(line[start:i], line[start+1:i], 2, start+1))
			continue
		case c == '\'' || c == '"':
			var b strings.Builder
			i++
			closed := false
			for i < len(line) {
				if line[i] == c {
					if i+1 < len(line) && line[i+1] == c { // doubled quote stands for itself
						b.WriteByte(c)
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(line[i])
				i++
			}
			if !closed {
				toks = append(toks, token{kind: tBad, text: line[start:], col: start + 1, msg: "unterminated string"})
				continue
			}
			toks = append(toks, token{kind: tStr, text: b.String(), col: start + 1})
			continue
		}
		if i+1 < len(line) {
			switch two := line[i : i+2]; two {
			case "<<", ">>", "<=", ">=", "==", "!=", "<>", "&&", "||":
				toks = append(toks, token{kind: tOp, text: two, col: start + 1})
				i += 2
				continue
			}
		}
		if strings.IndexByte("+-*/%&|^~!<>=(),:$[]#", c) >= 0 {
			toks = append(toks, token{kind: tOp, text: line[i : i+1], col: start + 1})
		} else {
			toks = append(toks, token{kind: tBad, text: line[i : i+1], col: start + 1, msg: "unexpected character " + quoteChar(c)})
		}
		i++
	}
	return append(toks, token{kind: tEOL, col: len(line) + 1})
}

// binaryPercent decides whether the % at line[i] (followed by 0 or 1)
// starts a binary literal rather than being the modulo operator: it does
// unless it follows a value, where a name followed by a space counts as an
// operation ("DB %101") rather than a value.
func binaryPercent(toks []token, line string, i int) bool {
	if len(toks) == 0 {
		return true
	}
	t := toks[len(toks)-1]
	switch {
	case t.kind == tIdent:
		return line[i-1] == ' ' || line[i-1] == '\t'
	case t.kind == tNum || t.kind == tStr:
		return false
	case t.kind == tOp:
		return t.text != ")" && t.text != "$"
	}
	return true
}

// numToken converts a literal that starts with a digit: 0x1F, 0b101, 1Fh,
// 101b, 17o, 17q or decimal.
func numToken(lit string, col int) token {
	n := len(lit)
	last := lit[n-1] | 0x20 // lower case for letters
	switch {
	case n > 2 && lit[0] == '0' && lit[1]|0x20 == 'x':
		return radixToken(lit, lit[2:], 16, col)
	case last == 'h':
		return radixToken(lit, lit[:n-1], 16, col)
	case n > 2 && lit[0] == '0' && lit[1]|0x20 == 'b' && allIn(lit[2:], "01"):
		return radixToken(lit, lit[2:], 2, col)
	case last == 'b' && allIn(lit[:n-1], "01"):
		return radixToken(lit, lit[:n-1], 2, col)
	case last == 'o' || last == 'q':
		return radixToken(lit, lit[:n-1], 8, col)
	case last == 'd':
		return radixToken(lit, lit[:n-1], 10, col)
	}
	return radixToken(lit, lit, 10, col)
}

func radixToken(lit, digits string, base int64, col int) token {
	if digits == "" {
		return token{kind: tBad, text: lit, col: col, msg: "malformed number " + lit}
	}
	var v int64
	for i := 0; i < len(digits); i++ {
		d := digitVal(digits[i])
		if d >= base {
			return token{kind: tBad, text: lit, col: col, msg: "malformed number " + lit}
		}
		v = v*base + d
		if v > 1<<32 {
			return token{kind: tBad, text: lit, col: col, msg: "number too large: " + lit}
		}
	}
	return token{kind: tNum, text: lit, val: v, col: col}
}

func digitVal(c byte) int64 {
	switch {
	case c >= '0' && c <= '9':
		return int64(c - '0')
	case c >= 'a' && c <= 'z':
		return int64(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int64(c-'A') + 10
	}
	return 99
}

func allIn(s, set string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isHexDigit(c byte) bool { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
func isLetter(c byte) bool   { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isAlnum(c byte) bool    { return isDigit(c) || isLetter(c) }
func isIdentStart(c byte) bool {
	return isLetter(c) || c == '_' || c == '.' || c == '@' || c == '?'
}
func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) }

func quoteChar(c byte) string {
	if c >= ' ' && c < 0x7f {
		return "'" + string(rune(c)) + "'"
	}
	const hex = "0123456789ABCDEF"
	return "byte " + string([]byte{hex[c>>4], hex[c&15]}) + "h"
}

// keywords maps every reserved word (mnemonic, directive, register,
// operator word) in lower case to itself.
var keywords = map[string]string{}

// keyword returns the lower-case reserved word s spells in any case, or "".
// It does not allocate, which matters on lines like "DB 01h,...".
func keyword(s string) string {
	var buf [8]byte
	if len(s) > len(buf) {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return keywords[string(buf[:len(s)])]
}
