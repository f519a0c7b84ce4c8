package chat

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"z80lm/dataset"
	"z80lm/dataset/augment"
	"z80lm/internal/reftest"
)

func generate(t *testing.T, opt Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, opt); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGenerateTwiceIsIdentical(t *testing.T) {
	a, b := generate(t, DefaultOptions()), generate(t, DefaultOptions())
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same seed wrote different files")
	}
	opt := DefaultOptions()
	opt.Seed = 2
	if bytes.Equal(a, generate(t, opt)) {
		t.Fatal("seeds 1 and 2 wrote the same file")
	}
}

func TestChatSetProperties(t *testing.T) {
	text := generate(t, DefaultOptions())
	set, err := dataset.Parse("chat.txt", bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Skipped) > 0 || set.InputsCut > 0 || set.ResponsesCut > 0 {
		t.Fatalf("the v1 parser skipped or cut lines: %s", set.Summary())
	}
	lines := bytes.Count(text, []byte("\n")) - 1 // the comment line
	if len(set.Pairs) != lines {
		t.Fatalf("%d pairs from %d data lines", len(set.Pairs), lines)
	}
	if len(set.Pairs) < 3000 {
		t.Errorf("%d pairs, want at least 3000", len(set.Pairs))
	}
	count := map[string]int{}
	reply := map[string]string{}
	for _, p := range set.Pairs {
		count[p.Response]++
		if r, dup := reply[p.Input]; dup {
			t.Errorf("input %q occurs twice (replies %q and %q)", p.Input, r, p.Response)
		}
		reply[p.Input] = p.Response
		if p.Input[0] == '!' {
			t.Errorf("input %q starts with '!', which ends the .COM program", p.Input)
		}
		if len(p.Input) > MaxInput {
			t.Errorf("input %q longer than %d", p.Input, MaxInput)
		}
	}
	if len(count) < 40 {
		t.Errorf("%d distinct replies, want at least 40", len(count))
	}
	for r, n := range count {
		if len(r) > 12 {
			t.Errorf("reply %q is longer than 12 characters", r)
		}
		if 5*n > len(set.Pairs) {
			t.Errorf("reply %q has %d of %d pairs, more than 20%%", r, n, len(set.Pairs))
		}
		if n < 40 {
			t.Errorf("reply %q has only %d pairs", r, n)
		}
	}
	if count[NonsenseReply] == 0 {
		t.Errorf("no pairs for the nonsense reply %q", NonsenseReply)
	}
}

// Held-out evaluation keeps the variants of one source sentence together
// (inputs of one reply with trigram similarity ≥ 0.5), so generalisation
// needs many distinct source sentences per reply, each with a few variants.
func TestManyDistinctSourcesPerIntent(t *testing.T) {
	if _, err := Sources(); err != nil {
		t.Fatal(err)
	}
	replies := map[string]bool{}
	for _, in := range Intents {
		if replies[in.Reply] {
			t.Errorf("intent %s repeats the reply %q of another intent", in.Name, in.Reply)
		}
		replies[in.Reply] = true
	}
	groups, err := Generate(DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string][]string{}
	pairs, variants := 0, 0
	for _, g := range groups {
		sources[g.Reply] = append(sources[g.Reply], g.Source)
		pairs += 1 + len(g.Variants)
		variants += len(g.Variants)
	}
	for _, in := range Intents {
		ss := sources[in.Reply]
		if len(ss) < 15 {
			t.Errorf("intent %s has %d source sentences, want at least 15", in.Name, len(ss))
		}
		for i := range ss {
			for j := i + 1; j < len(ss); j++ {
				if sim := augment.Jaccard(augment.Trigrams(ss[i]), augment.Trigrams(ss[j])); sim >= 0.5 {
					t.Errorf("intent %s: sources %q and %q are variants of each other (similarity %.2f)", in.Name, ss[i], ss[j], sim)
				}
			}
		}
	}
	// Distinct sources help held-out replies more than variants do (measured
	// with z80lm train --val 0.1), so variants are at most a third.
	if 3*variants > pairs {
		t.Errorf("%d variants in %d pairs, want at most a third", variants, pairs)
	}
}

// The committed examples/chat/chat.txt must be what the generator writes.
func TestShippedFileIsCurrent(t *testing.T) {
	dir := reftest.ModuleRoot(t)
	path := filepath.Join(dir, "examples", "chat", "chat.txt")
	shipped, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (regenerate: go run ./cmd/z80lm data chat --out examples/chat/chat.txt)", err)
	}
	if !bytes.Equal(shipped, generate(t, DefaultOptions())) {
		t.Fatalf("%s is out of date; regenerate: go run ./cmd/z80lm data chat --out examples/chat/chat.txt", path)
	}
}

// Topics, moods and calls are keyed by intent name; a misspelt key would
// silently add nothing.
func TestSharedShapesNameIntents(t *testing.T) {
	names := map[string]bool{}
	for _, in := range Intents {
		names[in.Name] = true
	}
	for what, keys := range map[string][]string{"Topics": keysOf(Topics), "moods": keysOf(moods), "calls": keysOf(calls)} {
		for _, k := range keys {
			if !names[k] {
				t.Errorf("%s names %q, which is no intent", what, k)
			}
		}
	}
}

func keysOf[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
