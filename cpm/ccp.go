package cpm

import (
	"fmt"
	"strings"
)

// maxTail is the longest command tail that fits the buffer at 0080h
// together with its length byte, leading blank and terminating zero.
const maxTail = 125

// commandTail upper-cases the tail as the CCP does with the whole command
// line, and checks that it fits.
func commandTail(tail string) (string, error) {
	if len(tail) > maxTail {
		return "", fmt.Errorf("command tail is %d characters, %d too many: the CP/M buffer at 0080h holds %d", len(tail), len(tail)-maxTail, maxTail)
	}
	b := []byte(tail)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b), nil
}

// ccpDelim reports whether b ends a file name in a command line, as the
// CP/M 2.2 CCP sees it (it rejects other control characters; here they end
// the name too).
func ccpDelim(b byte) bool {
	return b <= ' ' || strings.IndexByte("=_.:;<>", b) >= 0
}

// parseFCB fills the 16-byte FCB f from the first word of s as the CCP's
// fillfcb does: blanks skipped, an optional "X:" drive (drive byte 0 if
// none), then up to 8 name and 3 type characters, '*' filling the rest of
// its field with '?', longer fields cut, blanks as padding, and ex, s1, s2,
// rc zero. It returns the rest of s, from the delimiter on.
func parseFCB(f []byte, s string) string {
	s = strings.TrimLeft(s, " ")
	f[0] = 0
	if len(s) >= 2 && s[1] == ':' {
		f[0] = s[0] - ('A' - 1)
		s = s[2:]
	}
	field := func(dst []byte) {
		for i := range dst {
			dst[i] = ' '
		}
		for i := 0; len(s) > 0 && !ccpDelim(s[0]); s = s[1:] {
			if i < len(dst) && s[0] == '*' {
				for ; i < len(dst); i++ {
					dst[i] = '?'
				}
			} else if i < len(dst) {
				dst[i] = s[0]
				i++
			}
		}
	}
	field(f[1:9])
	copy(f[9:12], "   ")
	if len(s) > 0 && s[0] == '.' {
		s = s[1:]
		field(f[9:12])
	}
	for i := 12; i < 16; i++ {
		f[i] = 0
	}
	return s
}
