package lm

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// refDir returns ../shared/reference relative to the module root, or skips
// the test when it is absent.
func refDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root (go.mod) not found; cannot locate ../shared/reference")
		}
		dir = parent
	}
	ref := filepath.Join(dir, "..", "shared", "reference")
	if _, err := os.Stat(ref); err != nil {
		t.Skipf("golden data absent: %s not found (the reference models and replies live outside the repository)", ref)
	}
	return ref
}

type golden struct{ query, reply string }

func readGolden(t testing.TB, path string) []golden {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var g []golden
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		q, r, ok := strings.Cut(sc.Text(), "|")
		if !ok {
			t.Fatalf("%s:%d: no '|'", path, n)
		}
		g = append(g, golden{q, r})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return g
}

// goldenQuery prepares a query as typed the way the data loader does:
// trimmed and upper-cased (all golden queries are shorter than MaxQuery).
func goldenQuery(q string) string { return strings.ToUpper(strings.TrimSpace(q)) }

// TestGolden: every reply in ../shared/reference/*-expected.txt, produced by
// an independent implementation of the v1 semantics, must come out exactly.
func TestGolden(t *testing.T) {
	ref := refDir(t)
	total := 0
	for _, name := range []string{"tinychat", "guess"} {
		t.Run(name, func(t *testing.T) {
			m, err := LoadNPZ(filepath.Join(ref, name+"-model.npz"))
			if err != nil {
				t.Fatal(err)
			}
			g := readGolden(t, filepath.Join(ref, name+"-expected.txt"))
			if len(g) != 360 {
				t.Errorf("%d golden replies, want 360", len(g))
			}
			bad := 0
			r := NewRunner(m)
			for _, e := range g {
				if got := r.Reply(goldenQuery(e.query), nil); got != e.reply {
					bad++
					if bad <= 10 {
						t.Errorf("%q: got %q, want %q", e.query, got, e.reply)
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
	ref := refDir(t)
	m, err := LoadNPZ(filepath.Join(ref, "guess-model.npz"))
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
	for _, e := range readGolden(t, filepath.Join(ref, "guess-expected.txt")) {
		if got := m2.Reply(goldenQuery(e.query)); got != e.reply {
			t.Fatalf("%q: got %q, want %q", e.query, got, e.reply)
		}
	}
}

// TestOverflowReference runs the overflow report over the golden pairs of
// both reference models; the report's own numbers are checked against the
// definition on hand-built layers in TestOverflowCounts.
func TestOverflowReference(t *testing.T) {
	ref := refDir(t)
	m, err := LoadNPZ(filepath.Join(ref, "tinychat-model.npz"))
	if err != nil {
		t.Fatal(err)
	}
	var qs, rs []string
	steps := 0
	for _, e := range readGolden(t, filepath.Join(ref, "tinychat-expected.txt")) {
		qs, rs = append(qs, goldenQuery(e.query)), append(rs, e.reply)
		steps += min(len(e.reply)+1, MaxReply)
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
