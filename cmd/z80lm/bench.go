package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"z80lm/codegen"
	"z80lm/dataset"
	"z80lm/lm"
	"z80lm/z80"
)

func init() {
	register(&command{name: "bench", args: "--model MODEL|FILE.npz --queries FILE [--com OTHER.COM] [--kernel compact|fast|auto]",
		summary: "measure the compiled model's speed in T-states per reply character", run: runBench})
}

func runBench(args []string) error {
	c := commands["bench"]
	fs := newFlags(c)
	model := fs.String("model", "", "model `FILE`: a z80lm model file or an original model.npz")
	queries := fs.String("queries", "", "`FILE` of queries, one a line (a query|reply line counts as its query)")
	other := fs.String("com", "", "also measure this CP/M `FILE.COM` on the same queries")
	kernel := fs.String("kernel", "auto", "layer kernels of the compiled model: compact, fast or auto")
	jsonOut := fs.String("json", "", "also write the compiled model's figures as JSON to `FILE`")
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q", pos[0])
	case *model == "":
		return usagef("missing --model FILE")
	case *queries == "":
		return usagef("missing --queries FILE")
	}
	qs, want, err := readQueries(*queries)
	if err != nil {
		return err
	}
	m, p, err := buildModel(*model, *kernel)
	if err != nil {
		return err
	}
	prof := newProfile(p, len(m.Layers))
	hooks := prof.hooks()
	cache := newCacheStats(p, hooks)
	ours, err := measure(p.COM, qs, hooks)
	if err != nil {
		return fmt.Errorf("running the compiled model: %v", err)
	}
	var cold *benchRun
	if cache != nil {
		if cold, err = measure(p.COM, qs, cache.emptyEachReply()); err != nil {
			return fmt.Errorf("running the compiled model: %v", err)
		}
	}
	exact := 0
	r := lm.NewRunner(m)
	for i, q := range qs {
		if ours.replies[i] == r.Reply(chatQuery(q), nil) {
			exact++
		}
	}
	cols := []*benchRun{ours}
	names := []string{"z80lm .COM"}
	if *other != "" {
		com, err := os.ReadFile(*other)
		if err != nil {
			return err
		}
		o, err := measure(com, qs, nil)
		if err != nil {
			return fmt.Errorf("running %s: %v", *other, err)
		}
		cols = append(cols, o)
		names = append(names, *other)
	}
	w := os.Stdout
	fmt.Fprintf(w, "model %s: %d parameters, kernels %s\n", *model, m.Params(), p.KernelSummary())
	fmt.Fprintf(w, "queries: %d from %s; compiled replies equal to the Go reference: %d/%d\n", len(qs), *queries, exact, len(qs))
	matched := -1
	if want != nil {
		matched = 0
		for i, r := range want {
			if ours.replies[i] == r {
				matched++
			}
		}
		fmt.Fprintf(w, "replies equal to the file's expected replies: %d/%d (%.1f%%)\n", matched, len(qs), 100*float64(matched)/float64(len(qs)))
	}
	fmt.Fprintln(w)
	row := func(label string, f func(b *benchRun) string) {
		fmt.Fprintf(w, "%-30s", label)
		for _, b := range cols {
			fmt.Fprintf(w, " %18s", f(b))
		}
		fmt.Fprintln(w)
	}
	row("", func(b *benchRun) string { return names[slices.Index(cols, b)] })
	row(".COM size (bytes)", func(b *benchRun) string { return fmt.Sprint(b.size) })
	row("reply characters", func(b *benchRun) string { return fmt.Sprint(b.chars) })
	row("T-states/char, mean", func(b *benchRun) string { return fmt.Sprintf("%.0f", b.meanPerChar()) })
	row("T-states/char, median", func(b *benchRun) string { return fmt.Sprintf("%.0f", b.medianPerChar()) })
	row("T-states/char, total/total", func(b *benchRun) string { return fmt.Sprintf("%.0f", float64(b.tstates)/float64(max(b.chars, 1))) })
	row("step (T between chars), mean", func(b *benchRun) string { return fmt.Sprintf("%.0f", b.meanStep()) })
	row("characters/s at 4 MHz", func(b *benchRun) string { return fmt.Sprintf("%.2f", 4e6/b.meanPerChar()) })
	if n := ours.skipped; n > 0 {
		fmt.Fprintf(w, "(%d queries with an empty reply are left out of the per-character figures)\n", n)
	}
	if cache != nil {
		fmt.Fprintf(w, "\nlayer 1's context counts (%d-entry cache, by window): %d steps with no reply character yet, %d cache hits, %d misses\n",
			cache.entries, cache.first, cache.lookups-cache.misses, cache.misses)
		fmt.Fprintf(w, "with the cache emptied before each query: T-states/char, mean %.0f; step, mean %.0f\n", cold.meanPerChar(), cold.meanStep())
	}
	if *jsonOut != "" {
		f := benchFigures{Bytes: ours.size, Queries: len(qs), Chars: ours.chars, TPerChar: ours.meanPerChar(),
			TPerCharMedian: ours.medianPerChar(), Step: ours.meanStep(), CharsPerSec: 4e6 / ours.meanPerChar(),
			ReferenceEqual: exact}
		if matched >= 0 {
			f.ExactMatch = float64(matched) / float64(len(qs))
		}
		if err := writeOutput(*jsonOut, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(f)
		}); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nwhere the time goes (z80lm .COM, T-states per reply character, total/total):\n")
	for i, s := range prof.names {
		fmt.Fprintf(w, "  %-50s %10.0f  %5.1f%%\n", s, float64(prof.t[i])/float64(max(ours.chars, 1)),
			100*float64(prof.t[i])/float64(max(ours.tstates, 1)))
	}
	return nil
}

// benchFigures is the --json output (examples.Figures reads it).
type benchFigures struct {
	Bytes          int     `json:"bytes"`
	Queries        int     `json:"queries"`
	Chars          int     `json:"reply_chars"`
	TPerChar       float64 `json:"tstates_per_char"`
	TPerCharMedian float64 `json:"tstates_per_char_median"`
	Step           float64 `json:"step"`
	CharsPerSec    float64 `json:"chars_per_sec_4mhz"`
	ReferenceEqual int     `json:"replies_equal_to_reference"`
	ExactMatch     float64 `json:"exact_match,omitempty"` // share of the file's expected replies
}

// readQueries reads one query a line; in a query|reply line the part
// before the '|' is the query. Blank lines and # comments are skipped.
// want holds the expected replies when every line has one, else nil.
func readQueries(path string) (qs, want []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	all := true
	for n := 1; sc.Scan(); n++ {
		q, r, has := strings.Cut(sc.Text(), "|")
		switch {
		case strings.TrimSpace(q) == "" || strings.HasPrefix(q, "#"):
			continue
		case strings.HasPrefix(q, "!"):
			return nil, nil, fmt.Errorf("%s:%d: a query starting with '!' would end the program", path, n)
		case strings.ContainsAny(q, "\x00\x03\x05\x08\x10\x12\x15\x18\x7f"):
			return nil, nil, fmt.Errorf("%s:%d: control characters would edit the console line", path, n)
		}
		qs = append(qs, q)
		want = append(want, dataset.Normalize(r))
		all = all && has
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(qs) == 0 {
		return nil, nil, fmt.Errorf("%s: no queries", path)
	}
	if !all {
		want = nil
	}
	return qs, want, nil
}

// A benchRun is what one program did on the queries.
type benchRun struct {
	size    int
	replies []string
	perChar []float64 // T-states per reply character, per query with a reply
	steps   []uint64  // T-states between successive reply characters
	tstates uint64    // over the queries with a reply
	chars   int
	skipped int
}

func (b *benchRun) meanPerChar() float64 {
	s := 0.0
	for _, v := range b.perChar {
		s += v
	}
	return s / float64(max(len(b.perChar), 1))
}

func (b *benchRun) medianPerChar() float64 {
	if len(b.perChar) == 0 {
		return 0
	}
	v := slices.Sorted(slices.Values(b.perChar))
	if n := len(v); n%2 == 1 {
		return v[n/2]
	} else {
		return (v[n/2-1] + v[n/2]) / 2
	}
}

func (b *benchRun) meanStep() float64 {
	s := 0.0
	for _, v := range b.steps {
		s += float64(v)
	}
	return s / float64(max(len(b.steps), 1))
}

// measure runs com on the queries, typed one at a time at its prompt, and
// measures each line from its submission (BDOS 10 returns) to the next
// console input request.
func measure(com []byte, qs []string, hooks map[uint16]func(*z80.CPU)) (*benchRun, error) {
	z, err := newZ80Chat("the program", com)
	if err != nil {
		return nil, err
	}
	for a, fn := range hooks {
		z.m.Hook(a, fn)
	}
	b := &benchRun{size: len(com)}
	for _, q := range qs {
		a, err := z.reply(q)
		if err != nil {
			return nil, err
		}
		b.add(a)
	}
	return b, nil
}

// add accounts one reply.
func (b *benchRun) add(a answer) {
	b.replies = append(b.replies, a.text)
	if len(a.text) == 0 {
		b.skipped++
		return
	}
	for i := 1; i < len(a.at); i++ {
		b.steps = append(b.steps, a.at[i]-a.at[i-1])
	}
	b.perChar = append(b.perChar, float64(a.tstates)/float64(len(a.text)))
	b.tstates += a.tstates
	b.chars += len(a.text)
}

// cacheStats counts how layer 1's context counts were found (see
// codegen/cache.go): at the first step of a reply, in the cache, or
// counted on a miss.
type cacheStats struct {
	p                               *codegen.Program
	first, lookups, misses, entries int
}

// newCacheStats adds its hooks to hooks; nil when p has no cache.
func newCacheStats(p *codegen.Program, hooks map[uint16]func(*z80.CPU)) *cacheStats {
	if _, ok := p.Symbols["cx_page"]; !ok {
		return nil
	}
	c := &cacheStats{p: p}
	hooks[uint16(p.Symbols["cx_page"])] = func(cpu *z80.CPU) {
		c.entries = int(cpu.Mem[p.Symbols["cx_max"]]) // set at start-up (cx_init)
		if cpu.Mem[p.Symbols["nreply"]] == 0 {
			c.first++
		} else {
			c.lookups++
		}
	}
	hooks[uint16(p.Symbols["cx_miss"])] = func(*z80.CPU) { c.misses++ }
	return c
}

// emptyEachReply returns hooks that empty the cache as each reply starts.
func (c *cacheStats) emptyEachReply() map[uint16]func(*z80.CPU) {
	return map[uint16]func(*z80.CPU){uint16(c.p.Symbols["answer"]): func(cpu *z80.CPU) {
		cpu.Mem[c.p.Symbols["cx_n"]] = 0
		cpu.Mem[c.p.Symbols["cx_vict"]] = 0
	}}
}

// A profile attributes the compiled program's T-states to its parts with
// hooks at the labels that begin them.
type profile struct {
	p      *codegen.Program
	names  []string
	labels []string
	t      []uint64
	cur    int
	since  uint64
}

func newProfile(p *codegen.Program, layers int) *profile {
	pr := &profile{p: p, cur: -1}
	add := func(label, name string) {
		pr.labels = append(pr.labels, label)
		pr.names = append(pr.names, name)
	}
	add("answer", "query: trim, trigrams, layer 1 query half")
	_, cached := p.Symbols["cx_page"]
	if cached {
		add("an_step", "step entry")
	} else {
		add("an_step", "context encoder")
	}
	if _, ok := p.Symbols["biases"]; ok {
		add("biases", "biases of layers 2 on")
	}
	for k := 1; k <= layers; k++ {
		name := fmt.Sprintf("layer %d (%s)", k, p.Kernels[k-1])
		if k == 1 && cached {
			name += ": context counts by window, cached"
		}
		if k > 1 && p.Fused(k-2) {
			name += fmt.Sprintf(", with layer %d's ReLU", k-1)
		}
		add(fmt.Sprintf("layer%d", k), name)
	}
	add("step_done", "argmax, output, window")
	add("crlf", "line ends and prompt")
	pr.t = make([]uint64, len(pr.names))
	return pr
}

func (pr *profile) hooks() map[uint16]func(*z80.CPU) {
	h := map[uint16]func(*z80.CPU){}
	for i, l := range pr.labels {
		h[uint16(pr.p.Symbols[l])] = func(cpu *z80.CPU) {
			if pr.cur >= 0 {
				pr.t[pr.cur] += cpu.T - pr.since
			}
			pr.cur, pr.since = i, cpu.T
		}
	}
	return h
}
