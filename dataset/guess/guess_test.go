package guess

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"z80lm/dataset"
	"z80lm/dataset/augment"
	"z80lm/internal/reftest"
)

func TestKnowledgeBaseShape(t *testing.T) {
	if len(Objects) < 40 {
		t.Errorf("%d objects, want at least 40", len(Objects))
	}
	if len(Attributes) < 60 {
		t.Errorf("%d attributes, want at least 60", len(Attributes))
	}
	keys := map[string]bool{}
	owner := map[string]string{} // question -> attribute key
	for _, a := range Attributes {
		if keys[a.Key] {
			t.Errorf("attribute %s listed twice", a.Key)
		}
		keys[a.Key] = true
		qs := Questions(a)
		if len(qs) < 3 {
			t.Errorf("attribute %s has %d phrasings, want several", a.Key, len(qs))
		}
		for _, q := range qs {
			if o, dup := owner[q]; dup {
				t.Errorf("question %q asks about %s and %s", q, o, a.Key)
			}
			owner[q] = a.Key
			if len(q) > 55 {
				t.Errorf("question %q is too long for the 60-character input", q)
			}
		}
	}
	names := map[string]string{}
	for i := range Objects {
		o := &Objects[i]
		for _, n := range append([]string{o.Name}, o.Synonyms...) {
			if other, dup := names[n]; dup {
				t.Errorf("name %q belongs to %s and %s", n, other, o.Name)
			}
			names[n] = o.Name
		}
		for _, q := range Namings(o) {
			if a, dup := owner[q]; dup {
				t.Errorf("naming %q of %s is also a question about %s", q, o.Name, a)
			}
		}
		yes := map[string]bool{}
		for _, k := range strings.Fields(o.Yes) {
			if !keys[k] {
				t.Errorf("%s: YES attribute %q does not exist", o.Name, k)
			}
			yes[k] = true
		}
		for _, k := range strings.Fields(o.Maybe) {
			if !keys[k] {
				t.Errorf("%s: MAYBE attribute %q does not exist", o.Name, k)
			}
			if yes[k] {
				t.Errorf("%s: attribute %q is both YES and MAYBE", o.Name, k)
			}
		}
		for _, a := range Attributes {
			if ans := o.Answer(a.Key); ans != Yes && ans != No && ans != Maybe {
				t.Errorf("%s: answer %q about %s", o.Name, ans, a.Key)
			}
		}
	}
}

// Every two objects must differ in some clear (YES against NO) answers, or
// no sequence of questions could tell them apart.
func TestObjectsAreDistinguishable(t *testing.T) {
	for i := range Objects {
		for j := i + 1; j < len(Objects); j++ {
			a, b := &Objects[i], &Objects[j]
			clear := 0
			for _, at := range Attributes {
				x, y := a.Answer(at.Key), b.Answer(at.Key)
				if x != y && x != Maybe && y != Maybe {
					clear++
				}
			}
			if clear < 2 {
				t.Errorf("%s and %s differ clearly in %d attributes", a.Name, b.Name, clear)
			}
		}
	}
}

// Facts about penguins written down by hand, checked against the
// generated training and held-out sets.
func TestPenguinAnswers(t *testing.T) {
	o, err := Find("Penguin")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Generate(o, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]string{}
	for _, g := range append(append([]augment.Group(nil), s.Train...), s.HeldOut...) {
		answers[strings.TrimSuffix(g.Source, "?")] = g.Reply
	}
	for q, want := range map[string]string{
		"CAN IT FLY": No, "DOES IT HAVE FEATHERS": Yes, "IS IT A BIRD": Yes, "IS IT A MAMMAL": No,
		"CAN YOU SWIM": Yes, "DOES IT LAY EGGS": Yes, "IS IT BLACK AND WHITE": Yes, "IS IT FOOD": No,
		"IS IT BIG": Maybe, "IS IT SMALL": Maybe, "IS IT ELECTRIC": No, "DOES IT EAT MEAT": Yes,
		"PENGUIN": Win, "IS IT A PENGUIN": Win, "EMPEROR PENGUIN": Win, "HELLO": IDK,
		"WHAT IS YOUR NAME": IDK, "IS IT MADE OF METAL": No, "DOES IT LIVE WHERE IT IS COLD": Yes,
	} {
		if got, ok := answers[q]; !ok {
			t.Errorf("%q is in neither set", q)
		} else if got != want {
			t.Errorf("%q: %s, want %s", q, got, want)
		}
	}
}

func write(t *testing.T, o *Object, opt Options) (train, held []byte) {
	t.Helper()
	s, err := Generate(o, opt)
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := s.WriteTrain(&a, opt); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteHeldOut(&b, opt); err != nil {
		t.Fatal(err)
	}
	return a.Bytes(), b.Bytes()
}

func TestEveryObjectGenerates(t *testing.T) {
	opt := DefaultOptions()
	for i := range Objects {
		o := &Objects[i]
		train, held := write(t, o, opt)
		ts, err := dataset.Parse("train", bytes.NewReader(train))
		if err != nil {
			t.Fatalf("%s: %v", o.Name, err)
		}
		hs, err := dataset.Parse("held", bytes.NewReader(held))
		if err != nil {
			t.Fatalf("%s: %v", o.Name, err)
		}
		if len(ts.Skipped)+ts.InputsCut+len(hs.Skipped)+hs.InputsCut > 0 {
			t.Fatalf("%s: skipped or cut lines: %s; %s", o.Name, ts.Summary(), hs.Summary())
		}
		if n := len(ts.Pairs); n < 1500 || n > 8000 {
			t.Errorf("%s: %d training pairs, want 1500 to 8000", o.Name, n)
		}
		seen := map[string]bool{}
		count := map[string]int{}
		for _, p := range ts.Pairs {
			if seen[p.Input] {
				t.Errorf("%s: training input %q twice", o.Name, p.Input)
			}
			seen[p.Input] = true
			count[p.Response]++
			if p.Input[0] == '!' {
				t.Errorf("%s: input %q starts with '!', which ends the .COM program", o.Name, p.Input)
			}
		}
		for _, r := range []string{Yes, No, Win, IDK} {
			if count[r] < 150 {
				t.Errorf("%s: %d training pairs for %s", o.Name, count[r], r)
			}
		}
		for r, n := range count {
			if 5*n > 3*len(ts.Pairs) {
				t.Errorf("%s: reply %s has %d of %d pairs, over 60%%", o.Name, r, n, len(ts.Pairs))
			}
		}
		for _, p := range hs.Pairs {
			if p.Input[0] == '!' {
				t.Errorf("%s: held-out input %q starts with '!'", o.Name, p.Input)
			}
			if seen[p.Input] {
				t.Errorf("%s: held-out input %q is in the training set", o.Name, p.Input)
			}
		}
		if len(hs.Pairs) < 200 {
			t.Errorf("%s: only %d held-out questions", o.Name, len(hs.Pairs))
		}
	}
}

func TestGenerateTwiceIsIdentical(t *testing.T) {
	o, _ := Find("penguin")
	a1, b1 := write(t, o, DefaultOptions())
	a2, b2 := write(t, o, DefaultOptions())
	if !bytes.Equal(a1, a2) || !bytes.Equal(b1, b2) {
		t.Fatal("two runs with the same seed wrote different files")
	}
}

func TestFind(t *testing.T) {
	for _, n := range []string{"penguin", "EMPEROR  penguin", "fridge", "Teddy Bear"} {
		if _, err := Find(n); err != nil {
			t.Errorf("Find(%q): %v", n, err)
		}
	}
	if _, err := Find("unicorn"); err == nil || !strings.Contains(err.Error(), "--list") {
		t.Errorf("Find(unicorn) error %v, want one pointing to --list", err)
	}
}

// The committed examples/guess files must be what the generator writes.
func TestShippedFilesAreCurrent(t *testing.T) {
	dir := reftest.ModuleRoot(t)
	o, _ := Find("penguin")
	train, held := write(t, o, DefaultOptions())
	const regen = "regenerate: go run ./cmd/z80lm data guess --object penguin --out examples/guess/guess-penguin.txt --heldout examples/guess/guess-penguin-heldout.txt"
	for name, want := range map[string][]byte{"guess-penguin.txt": train, "guess-penguin-heldout.txt": held} {
		got, err := os.ReadFile(filepath.Join(dir, "examples", "guess", name))
		if err != nil {
			t.Fatalf("%v (%s)", err, regen)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("examples/guess/%s is out of date; %s", name, regen)
		}
	}
}
