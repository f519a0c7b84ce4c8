package dataset

import (
	"fmt"
	"io"
	"sort"

	"z80lm/dataset/augment"
)

// BalanceOptions control Balance.
type BalanceOptions struct {
	PerReply int    // pairs wanted per reply; 0 means the median reply count
	Seed     uint64 // for the choice of kept and repeated pairs
	// Vary makes every added copy a seeded variant (typo, dropped word,
	// swapped words) of its input, so that oversampling adds new inputs
	// rather than exact repeats.
	Vary bool
}

// Balance returns pairs with exactly PerReply pairs for every reply.
// Replies with more pairs are undersampled (a seeded choice, each pair at
// most once); replies with fewer keep all their pairs and get seeded
// copies, spread evenly over their pairs, until they have enough. Kept
// pairs stay in input order; copies follow at the end.
func Balance(pairs []Pair, opt BalanceOptions) []Pair {
	byReply := map[string][]int{}
	var order []string
	for i, p := range pairs {
		if _, ok := byReply[p.Response]; !ok {
			order = append(order, p.Response)
		}
		byReply[p.Response] = append(byReply[p.Response], i)
	}
	target := opt.PerReply
	if target <= 0 {
		target = medianCount(byReply)
	}
	r := augment.NewRand(opt.Seed)
	aug := &augment.Augmenter{R: r}
	keep := make([]bool, len(pairs))
	var copies []Pair
	for _, reply := range order {
		idx := byReply[reply]
		if len(idx) >= target {
			r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
			for _, i := range idx[:target] {
				keep[i] = true
			}
			continue
		}
		for _, i := range idx {
			keep[i] = true
		}
		// whole rounds over a shuffled order, so copies spread evenly
		for need := target - len(idx); need > 0; need -= len(idx) {
			r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
			for _, i := range idx[:min(need, len(idx))] {
				c := pairs[i]
				if opt.Vary {
					if v := aug.Vary(c.Input); len(v) <= MaxInput {
						c.Input = v
					}
				}
				copies = append(copies, c)
			}
		}
	}
	out := make([]Pair, 0, target*len(order))
	for i, p := range pairs {
		if keep[i] {
			out = append(out, p)
		}
	}
	return append(out, copies...)
}

// medianCount is the median of the per-reply pair counts (the lower middle
// one for an even number of replies).
func medianCount(byReply map[string][]int) int {
	counts := make([]int, 0, len(byReply))
	for _, idx := range byReply {
		counts = append(counts, len(idx))
	}
	sort.Ints(counts)
	return counts[(len(counts)-1)/2]
}

// WritePairs writes pairs as "input|response" lines.
func WritePairs(w io.Writer, pairs []Pair) error {
	for _, p := range pairs {
		if _, err := fmt.Fprintf(w, "%s|%s\n", p.Input, p.Response); err != nil {
			return err
		}
	}
	return nil
}
