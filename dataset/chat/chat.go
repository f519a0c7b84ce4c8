// Package chat generates z80lm's personality chat set: hand-written intents
// (see Intents), each a terse reply reached from many phrasings, plus seeded
// typo, word-order and chat-speak variants of every phrasing, and a
// catch-all reply for nonsense.
package chat

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"z80lm/dataset/augment"
)

// An Intent is one thing a user may mean, and the reply it gets.
type Intent struct {
	Name      string
	Reply     string
	Phrasings []string // templates for augment.Expand
}

// NonsenseReply answers gibberish and anything the intents do not cover.
const NonsenseReply = "WHAT?"

// MaxInput is the longest input written, the v1 query limit.
const MaxInput = 60

// Options control the size of the generated set.
type Options struct {
	Seed           uint64
	PairsPerIntent int // aimed at: source sentences plus their variants
	MaxSources     int // source sentences kept per intent
	MaxVariants    int // variants per source sentence at most
	Nonsense       int // nonsense source sentences
}

// DefaultOptions gives the shipped examples/chat/chat.txt.
func DefaultOptions() Options {
	return Options{Seed: 1, PairsPerIntent: 52, MaxSources: 26, MaxVariants: 3, Nonsense: 90}
}

// A Group is one source sentence and its variants, all with one reply.
// Groups are the unit a held-out split must keep together.
type Group struct {
	Source   string
	Variants []string
	Reply    string
}

// Sources returns the source sentences of every intent, in template
// order, without duplicates within an intent; an error names an intent
// whose templates are malformed or a sentence two intents share.
func Sources() (map[string][]string, error) {
	out := map[string][]string{}
	owner := map[string]string{}
	for _, in := range Intents {
		seen := map[string]bool{}
		for _, t := range in.Phrasings {
			ss, err := augment.Expand(t)
			if err != nil {
				return nil, fmt.Errorf("intent %s: %w", in.Name, err)
			}
			for _, s := range ss {
				if seen[s] {
					continue
				}
				if o, dup := owner[s]; dup {
					return nil, fmt.Errorf("sentence %q is in intents %s and %s", s, o, in.Name)
				}
				if len(s) > MaxInput || len(s) < 2 {
					return nil, fmt.Errorf("intent %s: sentence %q is not 2 to %d characters long", in.Name, s, MaxInput)
				}
				seen[s], owner[s] = true, in.Name
				out[in.Name] = append(out[in.Name], s)
			}
		}
	}
	return out, nil
}

// Generate makes the chat set: for each intent up to MaxSources source
// sentences (a seeded choice), each followed by enough variants to reach
// about PairsPerIntent pairs, then Nonsense gibberish groups. No input
// occurs twice. The groups come back in a seeded order.
func Generate(opt Options) ([]Group, error) {
	src, err := Sources()
	if err != nil {
		return nil, err
	}
	r := augment.NewRand(opt.Seed)
	aug := &augment.Augmenter{R: r}
	used := map[string]bool{}
	for _, ss := range src {
		for _, s := range ss {
			used[s] = true
		}
	}
	var groups []Group
	add := func(reply string, sources []string, k int) {
		for _, s := range sources {
			vs := aug.Variants(s, k, MaxInput, used)
			for _, v := range vs {
				used[v] = true
			}
			groups = append(groups, Group{Source: s, Variants: vs, Reply: reply})
		}
	}
	for _, in := range Intents {
		ss := append([]string(nil), src[in.Name]...)
		r.Shuffle(len(ss), func(i, j int) { ss[i], ss[j] = ss[j], ss[i] })
		if len(ss) > opt.MaxSources {
			ss = ss[:opt.MaxSources]
		}
		k := (opt.PairsPerIntent + len(ss)/2) / len(ss)
		add(in.Reply, ss, min(max(k-1, 1), opt.MaxVariants))
	}
	var nonsense []string
	for len(nonsense) < opt.Nonsense {
		s := gibberish(r)
		if !used[s] && len(s) >= 2 && len(s) <= MaxInput {
			used[s] = true
			nonsense = append(nonsense, s)
		}
	}
	add(NonsenseReply, nonsense, 1)
	r.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	return groups, nil
}

// Keyboard rows and silly words for gibberish: key mashes, random letters
// and word salads that no intent uses.
var (
	rows  = []string{"QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM", "POIUYTREWQ", "LKJHGFDSA", "MNBVCXZ"}
	salad = []string{
		"BANANA", "CARBURETOR", "WOMBAT", "SPATULA", "NOODLE", "TURNIP", "ZEBRA",
		"PICKLE", "KAZOO", "GIRAFFE", "TROMBONE", "VELVET", "WAFFLE", "OTTER",
		"MARMALADE", "UKULELE", "CABBAGE", "LLAMA", "TUBA", "TEAPOT", "SEVEN",
		"SIDEWAYS", "FLOATS", "JUMPS", "WOBBLY", "PURPLE", "SPROCKET", "MUFFIN",
		"GALOSHES", "PLATYPUS", "QUANTUM", "BISCUIT", "CRAYON", "ELEVEN", "SOCKS",
		"WIGGLE", "DONUT", "MOOSE", "SPOON", "YODEL", "NOSTRIL", "PAPRIKA",
	}
	mumbles = []string{
		"ASDF", "QWERTY", "???", "...", "HMMM", "UMMM", "BLAH BLAH", "XYZZY", "FOO BAR",
		"AAAAAA", "ZZZZ", "!!!", "?!?!", "GRRR", "MEH", "BLEH", "ERR", "UHHH", "LALALA",
		"HJKL", "JJJJ", "BRB", "IDK", "123", "42", "OOOOO", "BZZT", "PFFT", "HUH",
	}
)

func gibberish(r *augment.Rand) string {
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

// Write generates the set for opt and writes it as "input|reply" lines,
// each source sentence followed by its variants, after a comment line saying
// how the file was made (the v1 parser skips '#' lines).
func Write(w io.Writer, opt Options) error {
	groups, err := Generate(opt)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# ZED, a grumpy 1982 Z80 desk computer. Generated by: z80lm data chat --seed %d\n", opt.Seed)
	for _, g := range groups {
		fmt.Fprintf(bw, "%s|%s\n", g.Source, g.Reply)
		for _, v := range g.Variants {
			fmt.Fprintf(bw, "%s|%s\n", v, g.Reply)
		}
	}
	return bw.Flush()
}
