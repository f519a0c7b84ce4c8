package augment

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Keyboard rows, mumbles and silly words for Nonsense; none of the words is
// an object of the 20 Questions game or a keyword of the chat intents, and
// no mumble starts with '!', the .COM program's command to exit.
var (
	rows  = []string{"QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM", "POIUYTREWQ", "LKJHGFDSA", "MNBVCXZ"}
	salad = []string{
		"KERFUFFLE", "CARBURETOR", "WOMBLE", "SPATULA", "NOODLE", "TURNIP", "ZIGZAG",
		"PICKLE", "KAZOO", "GIZMO", "TROMBONE", "VELVET", "WAFFLE", "ODDBALL",
		"MARMALADE", "UKULELE", "CABBAGE", "LOLLYGAG", "TUBA", "TEAPOT", "SEVEN",
		"SIDEWAYS", "FLOATS", "JUMPS", "WOBBLY", "PURPLE", "SPROCKET", "MUFFIN",
		"GALOSHES", "PLINTH", "QUANTUM", "BISCUIT", "CRAYON", "ELEVEN", "SOCKS",
		"WIGGLE", "DONUT", "MUMBLE", "SPOON", "YODEL", "NOSTRIL", "PAPRIKA",
	}
	mumbles = []string{
		"ASDF", "QWERTY", "???", "...", "HMMM", "UMMM", "BLAH BLAH", "XYZZY", "FOO BAR",
		"AAAAAA", "ZZZZ", "?!?!", "GRRR", "MEH", "BLEH", "ERR", "UHHH", "LALALA",
		"HJKL", "JJJJ", "BRB", "IDK", "123", "42", "OOOOO", "BZZT", "PFFT", "HUH",
	}
)

// Nonsense returns a seeded piece of gibberish: a key mash along one
// keyboard row, random letters, a mumble or a salad of silly words.
func Nonsense(r *Rand) string {
	switch r.Intn(5) {
	case 0: // a key mash along one row
		row := rows[r.Intn(len(rows))]
		i := r.Intn(len(row) - 3)
		return row[i : i+3+r.Intn(len(row)-i-2)]
	case 1: // random letters, one or two "words"
		var b strings.Builder
		words := 1 + r.Intn(2)
		for w := 0; w < words; w++ {
			if w > 0 {
				b.WriteByte(' ')
			}
			for n := 3 + r.Intn(6); n > 0; n-- {
				b.WriteByte(byte('A' + r.Intn(26)))
			}
		}
		return b.String()
	case 2:
		return mumbles[r.Intn(len(mumbles))]
	default: // a word salad
		n := 1 + r.Intn(3)
		w := make([]string, n)
		for i := range w {
			w[i] = salad[r.Intn(len(salad))]
		}
		return strings.Join(w, " ")
	}
}

// A Group is one source sentence and its variants, all with one reply: the
// unit a held-out split must keep together.
type Group struct {
	Source   string
	Variants []string
	Reply    string
}

// WriteGroups writes groups as "input|reply" lines, each source sentence
// followed by its variants, after a '#' comment line with header (the v1
// parser skips comment lines).
func WriteGroups(w io.Writer, header string, groups []Group) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# %s\n", header)
	for _, g := range groups {
		fmt.Fprintf(bw, "%s|%s\n", g.Source, g.Reply)
		for _, v := range g.Variants {
			fmt.Fprintf(bw, "%s|%s\n", v, g.Reply)
		}
	}
	return bw.Flush()
}
