package dataset

import (
	"reflect"
	"strings"
	"testing"
)

// The expected figures below were counted by hand from this file.
const smallSet = `# a comment
hello|HI
hi there|HI
hello|HI
what is it|WHAT?
how are you doing today friend|FINE THANKS
x|NO
no pipe line
yo|HI
ok then|OK
yo|OK
`

func TestStatsHandCounted(t *testing.T) {
	s, err := Parse("small.txt", strings.NewReader(smallSet))
	if err != nil {
		t.Fatal(err)
	}
	st := ComputeStats(s)
	want := &Stats{
		Name: "small.txt", Pairs: 8, Skipped: 2, DistinctInputs: 6, Conflicts: 1,
		Replies:      []ReplyCount{{"HI", 4}, {"OK", 2}, {"FINE THANKS", 1}, {"WHAT?", 1}},
		CharExamples: 36,
		Charset:      []byte(" AEFHIKNOSTW?"),
		InputChars:   []byte(" ADEFGHIKLNORSTUWY"),
		InputLen:     Histogram{Min: 2, Max: 30, Mean: 8.625, Width: 5, Counts: []int{2, 4, 1, 0, 0, 0, 1}},
		ReplyLen:     Histogram{Min: 2, Max: 11, Mean: 3.5, Width: 1, Counts: []int{0, 0, 6, 0, 0, 1, 0, 0, 0, 0, 0, 1}},
	}
	if !reflect.DeepEqual(st, want) {
		t.Fatalf("stats\n got %+v\nwant %+v", st, want)
	}
	top, dom := st.Dominant()
	if top.Reply != "HI" || !dom {
		t.Errorf("Dominant() = %v, %v; want HI, true", top, dom)
	}
	var b strings.Builder
	if err := st.Write(&b, 2); err != nil {
		t.Fatal(err)
	}
	report := b.String()
	for _, line := range []string{
		"small.txt: 8 pairs, 6 distinct inputs, 4 distinct replies, 2 lines skipped",
		"character examples (reply characters + end marks): 36",
		"inputs with more than one reply: 1",
		"       4  50.0%  HI",
		"       2  25.0%  OK",
		"  … 2 more replies",
		`charset (replies): 13 characters + EOS: " AEFHIKNOSTW?"`,
		"input length: min 2, mean 8.6, max 30",
		"      5-9      4  50.0% ########################################",
		"    30-34      1  12.5% ##########",
		`warning: reply "HI" has 50.0% of the pairs (more than 20%)`,
	} {
		if !strings.Contains(report, line) {
			t.Errorf("report lacks %q:\n%s", line, report)
		}
	}
}

func TestStatsNoWarningWhenBalanced(t *testing.T) {
	var text strings.Builder
	for i, r := range []string{"A", "B", "C", "D", "E", "F"} {
		for k := 0; k <= i%2; k++ {
			text.WriteString("input " + r + string(rune('a'+k)) + "|" + r + "\n")
		}
	}
	s, err := Parse("even.txt", strings.NewReader(text.String()))
	if err != nil {
		t.Fatal(err)
	}
	st := ComputeStats(s) // 9 pairs, at most 2 (22%) per reply: over 20%
	if _, dom := st.Dominant(); !dom {
		t.Errorf("2 of 9 pairs (22%%) not reported as dominant")
	}
	s.Pairs = append(s.Pairs, Pair{Input: "ZZ", Response: "G"}) // 2 of 10: exactly 20%
	if _, dom := ComputeStats(s).Dominant(); dom {
		t.Errorf("2 of 10 pairs (20%%) reported as dominant")
	}
	var b strings.Builder
	ComputeStats(s).Write(&b, 0)
	if strings.Contains(b.String(), "warning") {
		t.Errorf("warning at 20%%:\n%s", b.String())
	}
}

func TestHistogramWidths(t *testing.T) {
	for _, c := range []struct{ max, width int }{{0, 1}, {11, 1}, {12, 2}, {23, 2}, {24, 5}, {59, 5}, {60, 10}, {119, 10}, {120, 20}, {1200, 200}} {
		if h := histogram([]int{0, c.max}); h.Width != c.width || len(h.Counts) != c.max/c.width+1 {
			t.Errorf("max %d: width %d with %d buckets, want width %d", c.max, h.Width, len(h.Counts), c.width)
		}
	}
}
