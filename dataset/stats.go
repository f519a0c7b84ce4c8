package dataset

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"z80lm/lm"
)

// DominantShare is the reply share above which Stats warns: a model trained
// on such data learns to give that reply to everything it is unsure about.
const DominantShare = 0.20

// Stats describes a data set.
type Stats struct {
	Name           string
	Pairs          int
	Skipped        int // lines that held no pair
	DistinctInputs int
	Conflicts      int          // inputs given more than one distinct reply
	Replies        []ReplyCount // most frequent first, ties in byte order
	CharExamples   int          // reply characters plus one end mark per pair: next-character examples
	Charset        []byte       // of the replies, v1 order (lm.BuildCharset), EOS left out
	InputChars     []byte       // distinct characters of the inputs, in byte order
	InputLen       Histogram
	ReplyLen       Histogram
}

// A ReplyCount is how many pairs have one reply.
type ReplyCount struct {
	Reply string
	Count int
}

// A Histogram counts lengths in buckets of equal Width starting at 0;
// Counts[i] covers lengths i*Width to (i+1)*Width-1.
type Histogram struct {
	Min, Max int
	Mean     float64
	Width    int
	Counts   []int
}

// ComputeStats describes s.
func ComputeStats(s *Set) *Stats {
	st := &Stats{Name: s.Name, Pairs: len(s.Pairs), Skipped: len(s.Skipped)}
	count := map[string]int{}
	replies := map[string]map[string]bool{}
	var inChars [256]bool
	var inLens, outLens []int
	for _, p := range s.Pairs {
		count[p.Response]++
		if replies[p.Input] == nil {
			replies[p.Input] = map[string]bool{}
		}
		replies[p.Input][p.Response] = true
		for i := 0; i < len(p.Input); i++ {
			inChars[p.Input[i]] = true
		}
		st.CharExamples += len(p.Response) + 1
		inLens = append(inLens, len(p.Input))
		outLens = append(outLens, len(p.Response))
	}
	st.DistinctInputs = len(replies)
	for _, rs := range replies {
		if len(rs) > 1 {
			st.Conflicts++
		}
	}
	var distinct []string
	for r, n := range count {
		st.Replies = append(st.Replies, ReplyCount{r, n})
		distinct = append(distinct, r)
	}
	sort.Slice(st.Replies, func(i, j int) bool {
		a, b := st.Replies[i], st.Replies[j]
		return a.Count > b.Count || a.Count == b.Count && a.Reply < b.Reply
	})
	cs := lm.BuildCharset(distinct)
	st.Charset = cs[:len(cs)-1]
	for c, ok := range inChars {
		if ok {
			st.InputChars = append(st.InputChars, byte(c))
		}
	}
	st.InputLen = histogram(inLens)
	st.ReplyLen = histogram(outLens)
	return st
}

// histogram buckets lengths with the first width of 1, 2, 5, 10, 20, …
// that needs at most 12 buckets.
func histogram(lens []int) Histogram {
	h := Histogram{Width: 1}
	if len(lens) == 0 {
		return h
	}
	h.Min, h.Max = lens[0], lens[0]
	sum := 0
	for _, n := range lens {
		h.Min, h.Max = min(h.Min, n), max(h.Max, n)
		sum += n
	}
	h.Mean = float64(sum) / float64(len(lens))
	for base, i := 1, 0; h.Max/h.Width >= 12; i++ {
		if i > 0 && i%3 == 0 {
			base *= 10
		}
		h.Width = []int{2, 5, 10}[i%3] * base
	}
	h.Counts = make([]int, h.Max/h.Width+1)
	for _, n := range lens {
		h.Counts[n/h.Width]++
	}
	return h
}

// Dominant returns the most frequent reply and whether its share of the
// pairs exceeds DominantShare.
func (st *Stats) Dominant() (ReplyCount, bool) {
	if len(st.Replies) == 0 {
		return ReplyCount{}, false
	}
	top := st.Replies[0]
	return top, float64(top.Count) > DominantShare*float64(st.Pairs)
}

// Write prints the statistics as a report; top limits the reply table
// (0: all replies).
func (st *Stats) Write(w io.Writer, top int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d pairs, %d distinct inputs, %d distinct replies", st.Name, st.Pairs, st.DistinctInputs, len(st.Replies))
	if st.Skipped > 0 {
		fmt.Fprintf(&b, ", %d lines skipped", st.Skipped)
	}
	fmt.Fprintf(&b, "\ncharacter examples (reply characters + end marks): %d\n", st.CharExamples)
	if st.Conflicts > 0 {
		fmt.Fprintf(&b, "inputs with more than one reply: %d\n", st.Conflicts)
	}
	fmt.Fprintf(&b, "\nreplies:\n")
	for i, r := range st.Replies {
		if top > 0 && i == top {
			fmt.Fprintf(&b, "  … %d more replies\n", len(st.Replies)-top)
			break
		}
		fmt.Fprintf(&b, "  %6d %5.1f%%  %s\n", r.Count, percent(r.Count, st.Pairs), r.Reply)
	}
	fmt.Fprintf(&b, "\ncharset (replies): %d characters + EOS: %q\n", len(st.Charset), st.Charset)
	fmt.Fprintf(&b, "input characters: %d: %q\n", len(st.InputChars), st.InputChars)
	writeHistogram(&b, "input length", st.InputLen, st.Pairs)
	writeHistogram(&b, "reply length", st.ReplyLen, st.Pairs)
	if r, dom := st.Dominant(); dom {
		fmt.Fprintf(&b, "\nwarning: reply %q has %.1f%% of the pairs (more than %.0f%%); "+
			"a model will give it whenever unsure (z80lm data balance evens the replies out)\n",
			r.Reply, percent(r.Count, st.Pairs), 100*DominantShare)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeHistogram(b *strings.Builder, what string, h Histogram, total int) {
	fmt.Fprintf(b, "\n%s: min %d, mean %.1f, max %d\n", what, h.Min, h.Mean, h.Max)
	most := 0
	for _, n := range h.Counts {
		most = max(most, n)
	}
	for i, n := range h.Counts {
		bar := 0
		if most > 0 {
			bar = (n*40 + most - 1) / most
		}
		label := fmt.Sprint(i * h.Width)
		if h.Width > 1 {
			label = fmt.Sprintf("%d-%d", i*h.Width, (i+1)*h.Width-1)
		}
		fmt.Fprintf(b, "  %7s %6d %5.1f%% %s\n", label, n, percent(n, total), strings.Repeat("#", bar))
	}
}

func percent(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(n) / float64(total)
}
