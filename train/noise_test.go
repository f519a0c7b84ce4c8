package train

import (
	"strings"
	"testing"
)

func TestKeyNeighbours(t *testing.T) {
	// read off a QWERTY keyboard
	for key, want := range map[byte]string{'Q': "AW", 'S': "ADEWXZ", 'M': "JKN", 'G': "BFHTVY", 'P': "LO", 'Z': "ASX"} {
		got := []byte(keyNeighbours[key-'A'])
		if sorted := string(sortBytes(got)); sorted != want {
			t.Errorf("neighbours of %c: %q, want %q", key, sorted, want)
		}
	}
}

func sortBytes(b []byte) []byte {
	for i := range b {
		for j := i + 1; j < len(b); j++ {
			if b[j] < b[i] {
				b[i], b[j] = b[j], b[i]
			}
		}
	}
	return b
}

// TestTypo checks that typo is a function of its stream, that it changes
// a query by a few characters at most, and that every kind of mistake
// occurs.
func TestTypo(t *testing.T) {
	const q = "HELLO THERE MY FRIEND"
	changed := 0
	kinds := map[string]bool{}
	for key := range uint64(2000) {
		r1, r2 := stream(key), stream(key)
		a, b := typo(q, &r1), typo(q, &r2)
		if a != b {
			t.Fatalf("key %d: %q then %q", key, a, b)
		}
		if a != q {
			changed++
		}
		// at most two mistakes: two letters more, or two words
		// ("FRIEND ", "HELLO ") fewer
		if d := len(a) - len(q); d < -13 || d > 2 {
			t.Errorf("key %d: %q is %d characters longer than %q", key, a, d, q)
		}
		switch {
		case len(a) == len(q)+1:
			kinds["doubled"] = true
		case len(a) == len(q)-1:
			kinds["left out"] = true
		case len(strings.Fields(a)) == 3:
			kinds["word left out"] = true
		case len(a) == len(q) && sortedEqual(a, q) && strings.Fields(a)[0] != "HELLO":
			kinds["words swapped"] = true
		case len(a) == len(q) && sortedEqual(a, q):
			kinds["letters swapped"] = true
		case len(a) == len(q):
			kinds["neighbour key"] = true
		}
		for i := 0; i < len(a); i++ {
			if c := a[i]; c != ' ' && !isLetter(c) {
				t.Fatalf("key %d: %q has %q", key, a, c)
			}
		}
	}
	if changed < 1800 {
		t.Errorf("%d of 2000 typos changed the query", changed)
	}
	if len(kinds) != 6 {
		t.Errorf("kinds of mistakes seen: %v, want all 6", kinds)
	}
	if got := typo("A", new(stream)); got != "A" {
		t.Errorf("typo(%q) = %q", "A", got)
	}
}

func sortedEqual(a, b string) bool {
	return string(sortBytes([]byte(a))) == string(sortBytes([]byte(b)))
}
