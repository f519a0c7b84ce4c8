package lm

import (
	"bytes"
	"fmt"
	"sort"
)

// BuildCharset returns the v1 character set of a list of replies: their
// distinct bytes ordered space first, then letters, then digits, then every
// other byte in byte order, and EOS last.
func BuildCharset(replies []string) []byte {
	var seen [256]bool
	for _, r := range replies {
		for i := 0; i < len(r); i++ {
			seen[r[i]] = true
		}
	}
	seen[EOS] = false
	var cs []byte
	for c := range seen {
		if seen[c] {
			cs = append(cs, byte(c))
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return charClass(cs[i]) < charClass(cs[j]) })
	return append(cs, EOS)
}

// charClass orders the v1 charset groups: space, letters, digits, the rest.
func charClass(c byte) int {
	switch {
	case c == ' ':
		return 0
	case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
		return 1
	case c >= '0' && c <= '9':
		return 2
	}
	return 3
}

// A CharError is a reply character that a model cannot produce.
type CharError struct {
	Reply string
	Pos   int // byte offset in Reply
}

func (e *CharError) Error() string {
	return fmt.Sprintf("%q: character %s at position %d is not in the model's charset",
		e.Reply, quoteByte(e.Reply[e.Pos]), e.Pos+1)
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("'%c'", c)
	}
	return fmt.Sprintf("0x%02X", c)
}

// CheckReply returns a *CharError for the first byte of reply that charset
// (EOS excluded) lacks.
func CheckReply(charset []byte, reply string) error {
	body := charset
	if n := len(body); n > 0 && body[n-1] == EOS {
		body = body[:n-1]
	}
	for i := 0; i < len(reply); i++ {
		if bytes.IndexByte(body, reply[i]) < 0 {
			return &CharError{Reply: reply, Pos: i}
		}
	}
	return nil
}
