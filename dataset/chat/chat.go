// Package chat generates z80lm's personality chat set: hand-written intents
// (see Intents), each a terse reply reached from many phrasings, plus seeded
// typo, word-order and chat-speak variants of every phrasing, and a
// catch-all reply for nonsense.
package chat

import (
	"fmt"
	"io"
	"strings"

	"z80lm/dataset/augment"
)

// An Intent is one thing a user may mean, and the reply it gets.
type Intent struct {
	Name      string
	Reply     string
	Keys      string   // the intent's key words as a brace group, for {K} in Phrasings
	Phrasings []string // templates for augment.Expand, after {K} is replaced by Keys
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
	return Options{Seed: 1, PairsPerIntent: 55, MaxSources: 88, MaxVariants: 3, Nonsense: 90}
}

// Sources returns the source sentences of every intent, in template
// order, without duplicates within an intent; an error names an intent
// whose templates are malformed or a sentence two intents share.
func Sources() (map[string][]string, error) {
	out := map[string][]string{}
	owner := map[string]string{}
	for _, in := range Intents {
		seen := map[string]bool{}
		templates := append(append([]string(nil), in.Phrasings...), reuse[in.Name]...)
		if topic, ok := Topics[in.Name]; ok {
			for _, f := range topicFrames {
				templates = append(templates, strings.ReplaceAll(f, "{T}", topic))
			}
		}
		if moods[in.Name] {
			templates = append(templates, moodFrames...)
		}
		if calls[in.Name] {
			templates = append(templates, callFrames...)
		}
		for _, t := range templates {
			ss, err := augment.Expand(strings.ReplaceAll(t, "{K}", in.Keys))
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

// Generate makes the chat set: for each intent up to MaxSources distinct
// source sentences (a seeded choice, see Distinct), followed by variants up
// to PairsPerIntent pairs, then Nonsense gibberish groups with one variant
// each. No input
// occurs twice. The groups come back in a seeded order.
func Generate(opt Options) ([]augment.Group, error) {
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
	var groups []augment.Group
	// add gives the sources pairs variants in all, spread evenly (the
	// first sources get one more), at most MaxVariants each.
	add := func(reply string, sources []string, pairs int) {
		extra := max(pairs-len(sources), 0)
		for i, s := range sources {
			k := extra / len(sources)
			if i < extra%len(sources) {
				k++
			}
			vs := aug.Variants(s, min(k, opt.MaxVariants), MaxInput, used)
			for _, v := range vs {
				used[v] = true
			}
			groups = append(groups, augment.Group{Source: s, Variants: vs, Reply: reply})
		}
	}
	for _, in := range Intents {
		ss := append([]string(nil), src[in.Name]...)
		r.Shuffle(len(ss), func(i, j int) { ss[i], ss[j] = ss[j], ss[i] })
		add(in.Reply, Distinct(ss, opt.MaxSources), opt.PairsPerIntent)
	}
	var nonsense []string
	for len(nonsense) < opt.Nonsense {
		s := augment.Nonsense(r)
		if !used[s] && len(s) >= 2 && len(s) <= MaxInput {
			used[s] = true
			nonsense = append(nonsense, s)
		}
	}
	add(NonsenseReply, nonsense, 2*len(nonsense))
	r.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	return groups, nil
}

// Distinct returns up to max of the sentences, in order, skipping each one
// that is as similar (augment.Jaccard ≥ 0.5) to one already taken as the
// variants of a sentence are: a held-out split keeps such sentences
// together, so only distinct ones are separate evidence of an intent.
func Distinct(sentences []string, max int) []string {
	var out []string
	var grams []map[string]bool
	for _, s := range sentences {
		if len(out) == max {
			break
		}
		g := augment.Trigrams(s)
		near := false
		for _, h := range grams {
			if augment.Jaccard(g, h) >= 0.5 {
				near = true
				break
			}
		}
		if !near {
			out = append(out, s)
			grams = append(grams, g)
		}
	}
	return out
}

// Write generates the set for opt and writes it as "input|reply" lines,
// each source sentence followed by its variants.
func Write(w io.Writer, opt Options) error {
	groups, err := Generate(opt)
	if err != nil {
		return err
	}
	return augment.WriteGroups(w, fmt.Sprintf("ZED, a grumpy 1982 Z80 desk computer. Generated by: z80lm data chat --seed %d", opt.Seed), groups)
}
