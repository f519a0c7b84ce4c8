package augment

import (
	"reflect"
	"strings"
	"testing"
)

// levenshtein is the plain edit distance (insert, delete, substitute), an
// oracle independent of how Typo makes its mistakes.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func TestLevenshteinOracle(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"CAT", "CAT", 0}, {"CAT", "CUT", 1}, {"CAT", "CT", 1}, {"CAT", "CAAT", 1},
		{"CAT", "ACT", 2}, {"KITTEN", "SITTING", 3}} {
		if got := levenshtein(c.a, c.b); got != c.d {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

// The published SplitMix64 sequence for seed 0.
func TestRandSplitMix64(t *testing.T) {
	r := NewRand(0)
	want := []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f}
	for i, w := range want {
		if got := r.Uint64(); got != w {
			t.Fatalf("output %d = %#x, want %#x", i, got, w)
		}
	}
}

func TestIntnRange(t *testing.T) {
	r := NewRand(7)
	seen := make([]int, 5)
	for i := 0; i < 5000; i++ {
		v := r.Intn(5)
		if v < 0 || v >= 5 {
			t.Fatalf("Intn(5) = %d", v)
		}
		seen[v]++
	}
	for v, n := range seen {
		if n < 800 || n > 1200 {
			t.Errorf("Intn(5) gave %d %d times in 5000, want about 1000", v, n)
		}
	}
}

var sentences = []string{
	"HOW ARE YOU TODAY", "WHAT IS YOUR NAME", "HELLO", "IS IT ALIVE",
	"DO YOU HAVE FEATHERS", "I AM REALLY BORED", "OK", "TELL ME A JOKE PLEASE",
}

func TestTypoEditDistance(t *testing.T) {
	a := New(1)
	for _, s := range sentences {
		for k := 0; k < 200; k++ {
			v := a.Typo(s)
			d := levenshtein(s, v)
			if d < 1 || d > 2 {
				t.Fatalf("Typo(%q) = %q, edit distance %d, want 1 or 2", s, v, d)
			}
			if strings.Count(v, " ") != strings.Count(s, " ") {
				t.Fatalf("Typo(%q) = %q changed the spaces", s, v)
			}
		}
	}
	if v := a.Typo("I"); v != "I" {
		t.Errorf("Typo(%q) = %q, want it unchanged", "I", v)
	}
}

func TestWordOperations(t *testing.T) {
	a := New(3)
	for k := 0; k < 50; k++ {
		v, ok := a.DropWord("TELL ME A JOKE PLEASE")
		if !ok || (v != "TELL ME JOKE PLEASE" && v != "TELL ME A JOKE") {
			t.Fatalf("DropWord gave %q, %v", v, ok)
		}
		v, ok = a.SwapWords("HOW ARE YOU")
		if !ok || (v != "ARE HOW YOU" && v != "HOW YOU ARE") {
			t.Fatalf("SwapWords gave %q, %v", v, ok)
		}
		v, ok = a.Paraphrase("THANKS")
		if !ok || (v != "THX" && v != "THANX") {
			t.Fatalf("Paraphrase gave %q, %v", v, ok)
		}
	}
	for _, f := range []func(string) (string, bool){a.DropWord, a.SwapWords, a.Paraphrase} {
		if v, ok := f("ZORK"); ok || v != "ZORK" {
			t.Errorf("operation on a word it cannot change gave %q, %v", v, ok)
		}
	}
}

func TestVariantsDeterministicAndDistinct(t *testing.T) {
	gen := func() [][]string {
		a := New(42)
		var out [][]string
		for _, s := range sentences {
			out = append(out, a.Variants(s, 4, 60, map[string]bool{"HELLOO": true}))
		}
		return out
	}
	first, second := gen(), gen()
	if !reflect.DeepEqual(first, second) {
		t.Fatal("Variants differ between two runs with the same seed")
	}
	for i, vs := range first {
		s := sentences[i]
		if len(vs) == 0 && len(s) > 2 {
			t.Errorf("no variants of %q", s)
		}
		seen := map[string]bool{}
		for _, v := range vs {
			if v == s || seen[v] || v == "HELLOO" || len(v) > 60 {
				t.Errorf("variant %q of %q is a duplicate, the source, avoided or too long", v, s)
			}
			seen[v] = true
		}
	}
	if other := New(43).Variants(sentences[0], 4, 60, nil); reflect.DeepEqual(other, first[0]) {
		t.Errorf("seeds 42 and 43 gave the same variants %q", other)
	}
}

func TestExpand(t *testing.T) {
	for _, c := range []struct {
		tmpl string
		want []string
	}{
		{"HELLO", []string{"HELLO"}},
		{"{HI|HELLO} THERE{ ZED|}", []string{"HI THERE ZED", "HI THERE", "HELLO THERE ZED", "HELLO THERE"}},
		{"ARE {|YOU} {OK|FINE}", []string{"ARE OK", "ARE FINE", "ARE YOU OK", "ARE YOU FINE"}},
	} {
		got, err := Expand(c.tmpl)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Expand(%q) = %q, %v; want %q", c.tmpl, got, err, c.want)
		}
	}
	for _, bad := range []string{"{A|B", "A}B", "A|B", "{A{B}}", "X {A} |"} {
		if _, err := Expand(bad); err == nil {
			t.Errorf("Expand(%q) gave no error", bad)
		}
	}
}

func TestNonsense(t *testing.T) {
	a, b := NewRand(5), NewRand(5)
	distinct := map[string]bool{}
	for i := 0; i < 300; i++ {
		s := Nonsense(a)
		if s != Nonsense(b) {
			t.Fatal("Nonsense differs between two generators with one seed")
		}
		if len(s) < 2 || len(s) > 60 || strings.TrimSpace(s) != s || s[0] == '!' {
			t.Fatalf("Nonsense gave %q", s)
		}
		distinct[s] = true
	}
	if len(distinct) < 150 {
		t.Errorf("only %d distinct nonsense strings in 300", len(distinct))
	}
}

func TestWriteGroups(t *testing.T) {
	var b strings.Builder
	err := WriteGroups(&b, "made by hand", []Group{{"HI", []string{"HII", "HU"}, "HELLO"}, {"BYE", nil, "BYE"}})
	want := "# made by hand\nHI|HELLO\nHII|HELLO\nHU|HELLO\nBYE|BYE\n"
	if err != nil || b.String() != want {
		t.Fatalf("WriteGroups wrote %q, %v; want %q", b.String(), err, want)
	}
}

func TestVaryKeepsTrailingPunctuation(t *testing.T) {
	a := New(9)
	for k := 0; k < 300; k++ {
		if v := a.Vary("DO YOU HATCH FROM AN EGG?"); !strings.HasSuffix(v, "EGG?") && !strings.HasSuffix(v, "?") {
			t.Fatalf("Vary moved the question mark: %q", v)
		} else if strings.Count(v, "?") != 1 {
			t.Fatalf("Vary gave %q", v)
		}
	}
}

func FuzzExpand(f *testing.F) {
	for _, s := range []string{"{HI|HELLO} THERE{ ZED|}", "A", "{", "}|{", "{A|B}{C|D}{E|}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		if strings.Count(tmpl, "{") > 6 {
			return // the product of many groups is large by design
		}
		out, err := Expand(tmpl)
		if err != nil {
			return
		}
		for _, s := range out {
			if strings.ContainsAny(s, "{}|") {
				t.Fatalf("Expand(%q) gave %q", tmpl, s)
			}
		}
	})
}

func FuzzVary(f *testing.F) {
	for _, s := range []string{"HOW ARE YOU", "?", "", "A B", "DO YOU HATCH FROM AN EGG?", "\x00\xff"} {
		f.Add(s, uint64(1))
	}
	f.Fuzz(func(t *testing.T, s string, seed uint64) {
		a := New(seed)
		a.Vary(s)
		seen := map[string]bool{}
		for _, v := range a.Variants(s, 3, 60, nil) {
			if v == s || seen[v] || len(v) > 60 {
				t.Fatalf("Variants(%q) gave %q", s, v)
			}
			seen[v] = true
		}
	})
}

func TestJaccard(t *testing.T) {
	// " do you have a pet " and " do you have a cat " share 13 of 17 windows each.
	a, b := Trigrams("DO YOU HAVE A PET"), Trigrams("do you have a cat")
	if len(a) != 17 {
		t.Fatalf("%d trigrams, want 17", len(a))
	}
	if got, want := Jaccard(a, b), 13.0/21; got != want {
		t.Errorf("Jaccard = %v, want %v", got, want)
	}
	if Jaccard(a, a) != 1 || Jaccard(Trigrams("AB"), Trigrams("XY")) != 0 {
		t.Error("identity or disjoint sets wrong")
	}
}
