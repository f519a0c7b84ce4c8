package augment

import "strings"

// Trigrams returns the set of 3-character windows of " "+lower(s)+" ", the
// windows the v1 query encoder hashes.
func Trigrams(s string) map[string]bool {
	p := " " + strings.ToLower(s) + " "
	t := make(map[string]bool, len(p))
	for i := 0; i+3 <= len(p); i++ {
		t[p[i:i+3]] = true
	}
	return t
}

// Jaccard is the Jaccard similarity of two trigram sets. Held-out splits
// (z80lm train --val) keep inputs of one reply with a similarity of 0.5 or
// more on one side, so generators use it to tell apart genuinely different
// phrasings from variants of one.
func Jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	return float64(n) / float64(len(a)+len(b)-n)
}
