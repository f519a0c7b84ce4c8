package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"z80lm/lm"
)

// A Pair is one training pair: a query and the reply the model should give
// (as dataset.Parse produces them: trimmed, upper-cased, cut to length).
type Pair struct {
	Input, Response string
}

// A bucketCount is one non-zero input: a bucket (0..255) and its count.
// The input value the network sees is count × lm.InputScale.
type bucketCount struct {
	bucket uint8
	count  uint8
}

// An example is one teacher-forced step: the query of pair and the context
// of its reply's first k characters, with the next character (or EOS) as
// the target. Its non-zero inputs are the pair's query buckets followed by
// its own context buckets; nothing 256 wide is ever stored.
type example struct {
	pair   int32
	ctxOff int32 // into examples.ctx
	ctxLen uint8
	target uint8 // charset index
}

// examples holds the training or evaluation steps of a set of pairs in
// sparse form: about 30 of the 256 inputs of an example are non-zero.
type examples struct {
	pairs  []Pair
	query  [][]bucketCount // per pair, buckets 0..127
	ctx    []bucketCount   // context buckets (stored 0..127, input 128+bucket)
	list   []example
	nInput int // distinct (query, context) inputs, for the summary
}

// charIndex maps a reply byte to its charset index, -1 if absent.
func charIndex(charset []byte) [256]int {
	var idx [256]int
	for i := range idx {
		idx[i] = -1
	}
	for i, c := range charset[:len(charset)-1] { // EOS is the last entry
		idx[c] = i
	}
	return idx
}

// buildExamples makes one example per reply position k = 0..len(reply)
// (target reply[k], or EOS at k = len(reply)). A reply of lm.MaxReply
// characters gets no EOS example: generation stops after MaxReply
// characters without asking the network.
func buildExamples(pairs []Pair, charset []byte) (*examples, error) {
	idx := charIndex(charset)
	eos := len(charset) - 1
	ex := &examples{pairs: pairs, query: make([][]bucketCount, len(pairs))}
	var enc lm.ContextEncoder
	seen := map[string]bool{}
	for p, pr := range pairs {
		if len(pr.Response) > lm.MaxReply {
			return nil, fmt.Errorf("pair %d: response is %d characters long, the limit is %d", p+1, len(pr.Response), lm.MaxReply)
		}
		ex.query[p] = nonZero(lm.QueryCounts(pr.Input))
		enc.Reset()
		for k := 0; k <= len(pr.Response) && k < lm.MaxReply; k++ {
			target := eos
			if k < len(pr.Response) {
				target = idx[pr.Response[k]]
				if target < 0 {
					return nil, fmt.Errorf("pair %d: response %q has character %q, which is not in the model's character set %q", p+1, pr.Response, pr.Response[k], charset[:eos])
				}
			}
			ctx := nonZero(enc.Counts())
			key := pr.Input + "\x00" + pr.Response[:k]
			if !seen[key] {
				seen[key] = true
				ex.nInput++
			}
			ex.list = append(ex.list, example{pair: int32(p), ctxOff: int32(len(ex.ctx)), ctxLen: uint8(len(ctx)), target: uint8(target)})
			ex.ctx = append(ex.ctx, ctx...)
			if k < len(pr.Response) {
				enc.Push(pr.Response[k])
			}
		}
	}
	return ex, nil
}

func nonZero(counts [128]int) []bucketCount {
	var s []bucketCount
	for b, n := range counts {
		if n > 0 {
			s = append(s, bucketCount{uint8(b), uint8(min(n, 255))})
		}
	}
	return s
}

// input appends the non-zero inputs of example e to idx and val (values
// count × InputScale) and returns them.
func (ex *examples) input(e *example, idx []int32, val []int32) ([]int32, []int32) {
	for _, bc := range ex.query[e.pair] {
		idx = append(idx, int32(bc.bucket))
		val = append(val, int32(bc.count)*lm.InputScale)
	}
	return ex.contextInput(e, idx, val)
}

// contextInput appends the non-zero context inputs of example e.
func (ex *examples) contextInput(e *example, idx []int32, val []int32) ([]int32, []int32) {
	for _, bc := range ex.ctx[e.ctxOff : e.ctxOff+int32(e.ctxLen)] {
		idx = append(idx, lm.QueryBuckets+int32(bc.bucket))
		val = append(val, int32(bc.count)*lm.InputScale)
	}
	return idx, val
}

// splitVal holds out about frac of the distinct inputs of pairs and returns
// the indices of the training and the held-out pairs.
//
// Variants of one source sentence (typos, paraphrases) must stay on one
// side, or the held-out score measures memory rather than generalisation.
// So the unit of the split is a group of distinct inputs: two inputs are
// joined (union-find, transitively) when some response is given to both
// and the Jaccard similarity of their trigram sets (the trigrams of
// " "+lower(input)+" ", the same windows the query encoder hashes) is at
// least 0.5. Groups are visited in a seeded random order and each one that
// still fits under the target count (round(frac × distinct inputs)) goes to
// the held-out side; all pairs of an input go with it.
func splitVal(pairs []Pair, frac float64, seed uint64) (trainIdx, valIdx []int) {
	if frac <= 0 {
		for i := range pairs {
			trainIdx = append(trainIdx, i)
		}
		return trainIdx, nil
	}
	// distinct inputs, in order of first appearance
	node := map[string]int{}
	var inputs []string
	pairNode := make([]int, len(pairs))
	for i, p := range pairs {
		n, ok := node[p.Input]
		if !ok {
			n = len(inputs)
			node[p.Input] = n
			inputs = append(inputs, p.Input)
		}
		pairNode[i] = n
	}
	parent := make([]int, len(inputs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	grams := make([][]string, len(inputs))
	for i, s := range inputs {
		grams[i] = trigramSet(s)
	}
	// inputs per response, each input once
	byResp := map[string][]int{}
	var resps []string
	for i, p := range pairs {
		l, ok := byResp[p.Response]
		if !ok {
			resps = append(resps, p.Response)
		}
		if len(l) == 0 || !contains(l, pairNode[i]) {
			byResp[p.Response] = append(l, pairNode[i])
		}
	}
	union := func(a, b int) { parent[find(a)] = find(b) }
	seen := make([]int, len(inputs)) // candidate b last checked for input seen[b]-1
	for _, r := range resps {
		similarInputs(byResp[r], grams, 0.5, find, union, seen)
	}
	// groups in order of their first input, then shuffled
	members := map[int][]int{}
	var roots []int
	for n := range inputs {
		r := find(n)
		if _, ok := members[r]; !ok {
			roots = append(roots, r)
		}
		members[r] = append(members[r], n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x76616c)) // "val"
	rng.Shuffle(len(roots), func(i, j int) { roots[i], roots[j] = roots[j], roots[i] })
	target := int(frac*float64(len(inputs)) + 0.5)
	held := make([]bool, len(inputs))
	count := 0
	for _, r := range roots {
		if m := members[r]; count+len(m) <= target {
			count += len(m)
			for _, n := range m {
				held[n] = true
			}
		}
	}
	for i := range pairs {
		if held[pairNode[i]] {
			valIdx = append(valIdx, i)
		} else {
			trainIdx = append(trainIdx, i)
		}
	}
	return trainIdx, valIdx
}

// similarInputs joins (union) the inputs of list whose trigram sets have a
// Jaccard similarity of at least t, without comparing every pair: a
// prefix-filtered similarity join. With the trigrams of every set sorted
// rarest first, two sets with J ≥ t share at least t·|x| trigrams, so
// they share one among the first |x| − ⌈t·|x|⌉ + 1 of each (the prefix).
// Only inputs meeting in some prefix trigram's list are compared, and
// none that are already joined.
func similarInputs(list []int, grams [][]string, t float64, find func(int) int, union func(a, b int), seen []int) {
	freq := map[string]int{}
	for _, n := range list {
		for _, g := range grams[n] {
			freq[g]++
		}
	}
	index := map[string][]int{}
	for _, a := range list {
		x := slices.Clone(grams[a])
		sort.Slice(x, func(i, j int) bool {
			if freq[x[i]] != freq[x[j]] {
				return freq[x[i]] < freq[x[j]]
			}
			return x[i] < x[j]
		})
		prefix := x[:min(len(x), len(x)-int(math.Ceil(t*float64(len(x))))+1)]
		for _, g := range prefix {
			for _, b := range index[g] {
				if seen[b] == a+1 || find(a) == find(b) {
					continue
				}
				seen[b] = a + 1
				if jaccard(grams[a], grams[b]) >= t {
					union(a, b)
				}
			}
			index[g] = append(index[g], a)
		}
	}
}

func contains(l []int, x int) bool {
	for _, y := range l {
		if y == x {
			return true
		}
	}
	return false
}

// trigramSet returns the sorted distinct trigrams of " "+lower(s)+" ".
func trigramSet(s string) []string {
	b := []byte(" " + s + " ")
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	p := string(b)
	var g []string
	for i := 0; i+3 <= len(p); i++ {
		g = append(g, p[i:i+3])
	}
	sort.Strings(g)
	out := g[:0]
	for i, x := range g {
		if i == 0 || x != g[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// jaccard is |a∩b| / |a∪b| of two sorted sets.
func jaccard(a, b []string) float64 {
	inter, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}
