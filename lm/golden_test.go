package lm

import (
	"path/filepath"
	"strings"
	"testing"

	"z80lm/internal/reftest"
)

// goldenQuery prepares a query as typed the way the data loader does:
// trimmed and upper-cased (all golden queries are shorter than MaxQuery).
func goldenQuery(q string) string { return strings.ToUpper(strings.TrimSpace(q)) }

// TestGolden: every reply in ../shared/reference/*-expected.txt, produced by
// an independent implementation of the v1 semantics, must come out exactly.
func TestGolden(t *testing.T) {
	reftest.Dir(t) // skips the whole test where the references are absent
	total := 0
	for _, name := range []string{"tinychat", "guess"} {
		t.Run(name, func(t *testing.T) {
			m, err := LoadNPZ(reftest.Model(t, name))
			if err != nil {
				t.Fatal(err)
			}
			g := reftest.Golden(t, name)
			if len(g) != 360 {
				t.Errorf("%d golden replies, want 360", len(g))
			}
			bad := 0
			r := NewRunner(m)
			for _, e := range g {
				if got := r.Reply(goldenQuery(e.Query), nil); got != e.Reply {
					bad++
					if bad <= 10 {
						t.Errorf("%q: got %q, want %q", e.Query, got, e.Reply)
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d replies differ", bad, len(g))
			}
			total += len(g)
		})
	}
	if total != 720 && !t.Failed() {
		t.Errorf("checked %d replies, want 720", total)
	}
}

// TestGoldenNativeRoundTrip: a reference model converted to the native
// format and back answers every golden query the same.
func TestGoldenNativeRoundTrip(t *testing.T) {
	m, err := LoadNPZ(reftest.Model(t, "guess"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "guess.z80lm")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range reftest.Golden(t, "guess") {
		if got := m2.Reply(goldenQuery(e.Query)); got != e.Reply {
			t.Fatalf("%q: got %q, want %q", e.Query, got, e.Reply)
		}
	}
}

// TestOverflowReference runs the overflow report over the golden pairs of
// both reference models; the report's own numbers are checked against the
// definition on hand-built layers in TestOverflowCounts.
func TestOverflowReference(t *testing.T) {
	m, err := LoadNPZ(reftest.Model(t, "tinychat"))
	if err != nil {
		t.Fatal(err)
	}
	var qs, rs []string
	steps := 0
	for _, e := range reftest.Golden(t, "tinychat") {
		qs, rs = append(qs, goldenQuery(e.Query)), append(rs, e.Reply)
		steps += min(len(e.Reply)+1, MaxReply)
	}
	rep, err := Overflow(m, qs, rs)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pairs != len(qs) || rep.Steps != steps || len(rep.Layers) != 4 {
		t.Fatalf("report covers %d pairs, %d steps, %d layers; want %d, %d, 4", rep.Pairs, rep.Steps, len(rep.Layers), len(qs), steps)
	}
	for k, l := range rep.Layers {
		if l.Accumulators != steps*m.Layers[k].Out {
			t.Errorf("layer %d: %d accumulators, want %d", k+1, l.Accumulators, steps*m.Layers[k].Out)
		}
	}
	t.Logf("tinychat, golden pairs:\n%s", rep)
}
