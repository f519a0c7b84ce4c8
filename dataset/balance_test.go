package dataset

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// pairsFor makes counts[r] pairs with reply r and inputs "R INPUT 0", ….
func pairsFor(counts map[string]int, order []string) []Pair {
	var ps []Pair
	for _, r := range order {
		for i := 0; i < counts[r]; i++ {
			ps = append(ps, Pair{Input: fmt.Sprintf("%s INPUT %d", r, i), Response: r, Line: len(ps) + 1})
		}
	}
	return ps
}

func TestBalanceReachesTargets(t *testing.T) {
	in := pairsFor(map[string]int{"A": 10, "B": 3, "C": 1}, []string{"A", "B", "C"})
	for _, per := range []int{1, 3, 4, 12} {
		out := Balance(in, BalanceOptions{PerReply: per, Seed: 1})
		count := map[string]int{}
		distinct := map[string]map[string]bool{}
		for _, p := range out {
			count[p.Response]++
			if distinct[p.Response] == nil {
				distinct[p.Response] = map[string]bool{}
			}
			distinct[p.Response][p.Input] = true
			if !strings.HasPrefix(p.Input, p.Response+" INPUT ") {
				t.Fatalf("per %d: pair %+v is not from the input", per, p)
			}
		}
		for r, have := range map[string]int{"A": 10, "B": 3, "C": 1} {
			if count[r] != per {
				t.Errorf("per %d: reply %s has %d pairs", per, r, count[r])
			}
			if want := min(per, have); len(distinct[r]) != want {
				t.Errorf("per %d: reply %s has %d distinct inputs, want %d (all kept, none twice when undersampled)", per, r, len(distinct[r]), want)
			}
		}
	}
}

func TestBalanceSpreadsCopiesEvenly(t *testing.T) {
	in := pairsFor(map[string]int{"B": 3}, []string{"B"})
	out := Balance(in, BalanceOptions{PerReply: 10, Seed: 5})
	seen := map[string]int{}
	for _, p := range out {
		seen[p.Input]++
	}
	for in, n := range seen {
		if n < 3 || n > 4 {
			t.Errorf("input %q appears %d times in 10, want 3 or 4", in, n)
		}
	}
	if !reflect.DeepEqual(out[:3], in) {
		t.Errorf("kept pairs are not first and in input order: %v", out[:3])
	}
}

func TestBalanceDeterministic(t *testing.T) {
	in := pairsFor(map[string]int{"A": 50, "B": 7, "C": 2}, []string{"B", "A", "C"})
	for _, vary := range []bool{false, true} {
		a := Balance(in, BalanceOptions{PerReply: 20, Seed: 9, Vary: vary})
		b := Balance(in, BalanceOptions{PerReply: 20, Seed: 9, Vary: vary})
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("vary %v: two runs with one seed differ", vary)
		}
		if c := Balance(in, BalanceOptions{PerReply: 20, Seed: 10, Vary: vary}); reflect.DeepEqual(a, c) {
			t.Errorf("vary %v: seeds 9 and 10 give the same result", vary)
		}
	}
}

func TestBalanceMedianAndVary(t *testing.T) {
	in := pairsFor(map[string]int{"A": 10, "B": 3, "C": 1}, []string{"A", "B", "C"})
	out := Balance(in, BalanceOptions{Seed: 2, Vary: true})
	if len(out) != 9 {
		t.Fatalf("%d pairs, want 3 replies × median 3", len(out))
	}
	orig := map[string]bool{}
	for _, p := range in {
		orig[p.Input] = true
	}
	varied := 0
	for _, p := range out[7:] { // the two copies of C
		if !orig[p.Input] {
			varied++
		}
	}
	if varied == 0 {
		t.Errorf("no copy was varied: %v", out[7:])
	}
}

func TestWritePairsRoundTrip(t *testing.T) {
	in := []Pair{{Input: "A B", Response: "X|Y", Line: 1}, {Input: "CD", Response: "Z", Line: 2}}
	var b strings.Builder
	if err := WritePairs(&b, in); err != nil {
		t.Fatal(err)
	}
	s, err := Parse("rt", strings.NewReader(b.String()))
	if err != nil || !reflect.DeepEqual(s.Pairs, in) {
		t.Fatalf("round trip gave %+v, %v", s, err)
	}
}
