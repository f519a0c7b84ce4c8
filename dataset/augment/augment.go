// Package augment makes seeded variants of training sentences: typing
// mistakes, dropped filler words, swapped word order and chat-speak
// paraphrases. The same seed always gives the same variants, on every
// platform and Go release, so generated data files are reproducible byte for
// byte.
package augment

import (
	"math/bits"
	"strings"
)

// Rand is a SplitMix64 generator. It is used instead of math/rand so that
// the generated data files cannot change when the standard library's
// generators or their reduction methods change.
type Rand struct{ s uint64 }

// NewRand returns a generator seeded with seed.
func NewRand(seed uint64) *Rand { return &Rand{s: seed} }

// Uint64 returns the next 64 random bits.
func (r *Rand) Uint64() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// Intn returns a number in [0, n); n must be positive.
func (r *Rand) Intn(n int) int {
	hi, _ := bits.Mul64(r.Uint64(), uint64(n))
	return int(hi)
}

// Shuffle permutes n elements through swap (Fisher–Yates).
func (r *Rand) Shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, r.Intn(i+1))
	}
}

// An Augmenter makes variants of upper-case sentences.
type Augmenter struct{ R *Rand }

// New returns an Augmenter seeded with seed.
func New(seed uint64) *Augmenter { return &Augmenter{R: NewRand(seed)} }

// neighbours lists the keys around each letter on a QWERTY keyboard: the
// substitutions a hurried typist makes.
var neighbours = map[byte]string{
	'A': "QWSZ", 'B': "VGHN", 'C': "XDFV", 'D': "SERFCX", 'E': "WSDR",
	'F': "DRTGVC", 'G': "FTYHBV", 'H': "GYUJNB", 'I': "UJKO", 'J': "HUIKMN",
	'K': "JIOLM", 'L': "KOP", 'M': "NJK", 'N': "BHJM", 'O': "IKLP",
	'P': "OL", 'Q': "WA", 'R': "EDFT", 'S': "AWEDXZ", 'T': "RFGY",
	'U': "YHJI", 'V': "CFGB", 'W': "QASE", 'X': "ZSDC", 'Y': "TGHU",
	'Z': "ASX",
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }

// Typo returns s with one typing mistake in a letter: a neighbouring key
// hit instead, a letter left out (of a word of four or more), a letter doubled, or two different
// adjacent letters swapped. The first three are one edit away from s, the
// swap two (one in Damerau's sense). Strings with fewer than two letters
// come back unchanged.
func (a *Augmenter) Typo(s string) string {
	var letters []int
	for i := 0; i < len(s); i++ {
		if isLetter(s[i]) {
			letters = append(letters, i)
		}
	}
	if len(letters) < 2 {
		return s
	}
	b := []byte(s)
	for try := 0; try < 8; try++ {
		i := letters[a.R.Intn(len(letters))]
		switch a.R.Intn(4) {
		case 0: // neighbouring key
			n := neighbours[b[i]]
			return string(b[:i]) + string(n[a.R.Intn(len(n))]) + string(b[i+1:])
		case 1: // left out, only from words of four letters or more, so
			// that short key words (MAD, CAT) stay recognisable
			if wordLen(b, i) >= 4 {
				return string(b[:i]) + string(b[i+1:])
			}
		case 2: // doubled
			return string(b[:i+1]) + string(b[i:])
		case 3: // swapped with the next letter of the same word
			if i+1 < len(b) && isLetter(b[i+1]) && b[i+1] != b[i] {
				c := append([]byte(nil), b...)
				c[i], c[i+1] = c[i+1], c[i]
				return string(c)
			}
		}
	}
	i := letters[a.R.Intn(len(letters))]
	return string(b[:i+1]) + string(b[i:])
}

// wordLen is the length of the run of letters around b[i].
func wordLen(b []byte, i int) int {
	lo, hi := i, i
	for lo > 0 && isLetter(b[lo-1]) {
		lo--
	}
	for hi < len(b) && isLetter(b[hi]) {
		hi++
	}
	return hi - lo
}

// fillers are words a sentence usually keeps its meaning without.
var fillers = map[string]bool{
	"A": true, "AN": true, "THE": true, "PLEASE": true, "REALLY": true,
	"JUST": true, "SO": true, "VERY": true, "HEY": true, "WELL": true,
	"OH": true, "NOW": true, "THEN": true, "TODAY": true, "ACTUALLY": true,
	"EVEN": true, "KINDA": true, "PRETTY": true, "SOME": true, "UM": true,
}

// DropWord removes one filler word (see fillers); ok is false when s has
// none or would be left with a single word.
func (a *Augmenter) DropWord(s string) (v string, ok bool) {
	w := strings.Fields(s)
	if len(w) < 3 {
		return s, false
	}
	var idx []int
	for i, x := range w {
		if fillers[strings.Trim(x, "?!.,")] {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return s, false
	}
	i := idx[a.R.Intn(len(idx))]
	return strings.Join(append(w[:i:i], w[i+1:]...), " "), true
}

// SwapWords exchanges two adjacent words, the word-order slip of quick
// typing ("HOW YOU ARE"); ok is false for sentences of one word.
func (a *Augmenter) SwapWords(s string) (v string, ok bool) {
	w := strings.Fields(s)
	if len(w) < 2 {
		return s, false
	}
	i := a.R.Intn(len(w) - 1)
	if w[i] == w[i+1] {
		return s, false
	}
	w[i], w[i+1] = w[i+1], w[i]
	return strings.Join(w, " "), true
}

// slang maps words to the short forms people type in chats.
var slang = map[string][]string{
	"YOU": {"U", "YA"}, "ARE": {"R"}, "YOUR": {"UR"}, "YOURE": {"UR"}, "WHAT": {"WAT", "WUT"}, "WHATS": {"WATS", "WHAT IS"},
	"PLEASE": {"PLS", "PLZ"}, "THANKS": {"THX", "THANX"}, "OKAY": {"OK"},
	"BECAUSE": {"COS", "CUZ"}, "PEOPLE": {"PPL"}, "SOMETHING": {"SMTH"},
	"TONIGHT": {"TONITE"}, "LOVE": {"LUV"}, "GOING": {"GOIN"},
	"IM": {"I AM"}, "DONT": {"DO NOT"}, "IS": {"IZ"}, "OH": {"OOH"}, "FOR": {"4"}, "TO": {"2"},
	"WITH": {"W"}, "REALLY": {"RLY"}, "PROBABLY": {"PROB"}, "HELLO": {"HELO"},
	"THAT": {"DAT"}, "THE": {"DA"}, "NO": {"NAH"}, "YES": {"YEA"},
	"OF": {"OV"}, "KNOW": {"KNO"}, "HOW": {"HW"}, "WHY": {"Y"},
}

// Paraphrase replaces one word by a chat-speak form (YOU → U, PLEASE →
// PLS, …); ok is false when s has no such word.
func (a *Augmenter) Paraphrase(s string) (v string, ok bool) {
	w := strings.Fields(s)
	var idx []int
	for i, x := range w {
		if _, has := slang[x]; has {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return s, false
	}
	i := idx[a.R.Intn(len(idx))]
	alt := slang[w[i]]
	w[i] = alt[a.R.Intn(len(alt))]
	return strings.Join(w, " "), true
}

// Vary returns s changed in one or two ways chosen at random: one or two
// typos, a dropped filler word, two swapped words or a chat-speak
// paraphrase (the last three fall back to a typo where they do not apply).
// Trailing punctuation stays at the end.
func (a *Augmenter) Vary(s string) string {
	core := strings.TrimRight(s, "?!. ")
	if core == "" {
		return a.Typo(s)
	}
	tail := s[len(core):]
	steps := 1 + a.R.Intn(2)
	v := core
	for k := 0; k < steps; k++ {
		ok := false
		switch a.R.Intn(6) {
		case 0:
			v, ok = a.DropWord(v)
		case 1:
			v, ok = a.SwapWords(v)
		case 2:
			v, ok = a.Paraphrase(v)
		}
		if !ok {
			v = a.Typo(v)
		}
	}
	return v + tail
}

// Variants returns up to n distinct variants of s (see Vary), none equal to
// s nor to any string in avoid, and none longer than max bytes (max ≤ 0: no
// limit). Fewer come back when s has too few ways to vary.
func (a *Augmenter) Variants(s string, n, max int, avoid map[string]bool) []string {
	var out []string
	seen := map[string]bool{s: true}
	for tries := 0; len(out) < n && tries < 8*n+8; tries++ {
		v := a.Vary(s)
		if seen[v] || avoid[v] || (max > 0 && len(v) > max) || len(strings.TrimSpace(v)) < 2 {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}
