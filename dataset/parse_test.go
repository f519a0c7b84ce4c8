package dataset

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The expected pairs follow the rules of the original loader (feedme.py
// parse_pair, and the cases of its tests/test_libdata.py).
func TestParseLines(t *testing.T) {
	tests := []struct {
		line string
		want *Pair  // nil: no pair
		skip string // expected skip reason, "" for silent
	}{
		{"hello|HI", &Pair{Input: "HELLO", Response: "HI"}, ""},
		{"  spaced  |  out  ", &Pair{Input: "SPACED", Response: "OUT"}, ""},
		{"lower|case", &Pair{Input: "LOWER", Response: "CASE"}, ""},
		{"\thello\t|\tok\r", &Pair{Input: "HELLO", Response: "OK"}, ""},
		{"take the lamp|TAKE|EXTRA", &Pair{Input: "TAKE THE LAMP", Response: "TAKE|EXTRA"}, ""},
		{"what's up?|not much!", &Pair{Input: "WHAT'S UP?", Response: "NOT MUCH!"}, ""},
		{"a|b", nil, ReasonShortInput},
		{" a |b", nil, ReasonShortInput},
		{"|b", nil, ReasonShortInput},
		{"query|", nil, ReasonEmptyResponse},
		{"query|   ", nil, ReasonEmptyResponse},
		{"no pipe here", nil, ReasonNoPipe},
		{"", nil, ""},
		{"   ", nil, ""},
		{"# a comment", nil, ""},
		{"# vocabulary: YES|NO|MAYBE", nil, ""},
		{"  # indented comment|X", nil, ""},
		{"# comments may hold anything: caf\xc3\xa9 \x01", nil, ""},
	}
	for _, tt := range tests {
		// a real pair after the line under test keeps the set non-empty
		s, err := Parse("t.txt", strings.NewReader(tt.line+"\nzz|END\n"))
		if err != nil {
			t.Errorf("%q: %v", tt.line, err)
			continue
		}
		got := s.Pairs[:len(s.Pairs)-1]
		switch {
		case tt.want == nil && len(got) != 0:
			t.Errorf("%q: got pair %+v, want none", tt.line, got[0])
		case tt.want != nil && (len(got) != 1 || got[0].Input != tt.want.Input || got[0].Response != tt.want.Response || got[0].Line != 1):
			t.Errorf("%q: got %+v, want %+v on line 1", tt.line, got, *tt.want)
		}
		var reasons []string
		for _, k := range s.Skipped {
			reasons = append(reasons, k.Reason)
			if k.Line != 1 {
				t.Errorf("%q: skip on line %d, want 1", tt.line, k.Line)
			}
		}
		if want := tt.skip; strings.Join(reasons, ";") != want {
			t.Errorf("%q: skipped %q, want %q", tt.line, reasons, want)
		}
	}
}

// Hand-worked cases of the v1 rule
// s[:max].rsplit(' ', 1)[0] if ' ' in s[max-20:max] else s[:max].
func TestCut(t *testing.T) {
	a, b := strings.Repeat("A", 40), strings.Repeat("B", 59)
	tests := []struct {
		name string
		s    string
		max  int
		want string
	}{
		// 20 × "WORD " trimmed is 99 bytes; its first 60 end in a space
		// (index 59), so the cut keeps 12 words: 59 bytes.
		{"words", strings.TrimSpace(strings.Repeat("WORD ", 20)), 60,
			strings.TrimSpace(strings.Repeat("WORD ", 12))},
		// the only space is at index 40, the first position of s[40:60]
		{"space at 40", a + " " + b, 60, a},
		// a space at index 39 is too far back: hard cut at 60
		{"space at 39", a[:39] + " " + b + "B", 60, a[:39] + " " + b[:20]},
		// two spaces at 45 and 46: cut before the last one, keep the other
		{"double space", strings.Repeat("A", 45) + "  " + strings.Repeat("B", 20), 60,
			strings.Repeat("A", 45) + " "},
		{"no space", strings.Repeat("X", 70), 60, strings.Repeat("X", 60)},
		// exactly at the limit: unchanged even with a space near the end
		{"at limit", strings.Repeat("A", 55) + " BBBB", 60, strings.Repeat("A", 55) + " BBBB"},
		// responses: limit 50, window s[30:50]; space at index 31
		{"response", strings.Repeat("R", 31) + " " + strings.Repeat("S", 30), 50, strings.Repeat("R", 31)},
		// a limit under 20 looks at everything that fits
		{"small limit", "AB CD", 4, "AB"},
		// a space right after the limit does not count
		{"space just past", strings.Repeat("R", 50) + " S", 50, strings.Repeat("R", 50)},
	}
	for _, tt := range tests {
		if got := Cut(tt.s, tt.max); got != tt.want {
			t.Errorf("%s: Cut(%q, %d) = %q, want %q", tt.name, tt.s, tt.max, got, tt.want)
		}
	}
}

func TestParseCutsLongFields(t *testing.T) {
	in := strings.Repeat("word ", 20)
	resp := strings.Repeat("yes ", 20)
	s, err := Parse("long.txt", strings.NewReader(in+"|"+resp))
	if err != nil {
		t.Fatal(err)
	}
	p := s.Pairs[0]
	// input: 12 words (59 bytes); response: "YES " × 20 trimmed is 79 bytes,
	// s[:50] ends "...YES YE" with its last space at 47 → 12 × "YES" = 47 bytes
	if want := strings.TrimSpace(strings.Repeat("WORD ", 12)); p.Input != want {
		t.Errorf("input %q, want %q", p.Input, want)
	}
	if want := strings.TrimSpace(strings.Repeat("YES ", 12)); p.Response != want {
		t.Errorf("response %q, want %q", p.Response, want)
	}
	if s.InputsCut != 1 || s.ResponsesCut != 1 {
		t.Errorf("cut counts %d/%d, want 1/1", s.InputsCut, s.ResponsesCut)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       string // the error text must contain this
	}{
		{"utf8", "ok|fine\nh\xc3\xa9llo|X\n", "u.txt:2:2: non-ASCII byte 0xC3 (UTF-8 text"},
		{"control", "a\x01b|X", "u.txt:1:2: control character 0x01"},
		{"nul", "ab|X\x00", "u.txt:1:5: control character 0x00"},
		{"lone cr", "ab\rcd|X", "u.txt:1:3: control character 0x0D"},
		{"del", "ab|X\x7f", "u.txt:1:5: control character 0x7F"},
		{"tab in input", "he\tllo|X", "u.txt:1:3: tab inside the input"},
		{"tab in response", "hi|\tA\tB", "u.txt:1:6: tab inside the response"},
		{"empty file", "", "u.txt: no input|response pairs"},
		{"only comments", "# nothing\n\n", "u.txt: no input|response pairs"},
		{"only skips", "a|b\nnothing\n", "u.txt: no input|response pairs (2 lines skipped: 1 input shorter than 2 characters (line 1), 1 no '|' separator (line 2))"},
		{"long line", strings.Repeat("x", maxLine+1) + "|Y", "u.txt:1: line longer than"},
	}
	for _, tt := range tests {
		s, err := Parse("u.txt", strings.NewReader(tt.text))
		if err == nil {
			t.Errorf("%s: no error, got %d pairs", tt.name, len(s.Pairs))
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q, want it to contain %q", tt.name, err, tt.want)
		}
	}
	_, err := Parse("u.txt", strings.NewReader("# x\n"))
	if !errors.Is(err, ErrEmpty) {
		t.Errorf("empty data: errors.Is(%v, ErrEmpty) is false", err)
	}
}

func TestSummaryAndLines(t *testing.T) {
	text := "\xef\xbb\xbf# greetings\nhi there|HELLO\r\nx|y\nnot a pair\n\nbye|SEE YOU\nqq|\nalso not\nlast|ONE"
	s, err := Parse("g.txt", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, p := range s.Pairs {
		lines = append(lines, p.Line)
	}
	if len(lines) != 3 || lines[0] != 2 || lines[1] != 6 || lines[2] != 9 {
		t.Errorf("pair lines %v, want [2 6 9]", lines)
	}
	want := "g.txt: 3 pairs; 4 lines skipped: 1 empty response (line 7), " +
		"1 input shorter than 2 characters (line 3), 2 no '|' separator (lines 4, 8)"
	if got := s.Summary(); got != want {
		t.Errorf("summary\n got %q\nwant %q", got, want)
	}
}

func TestCheckCharset(t *testing.T) {
	s, err := Parse("c.txt", strings.NewReader("hello|HI\nbye|BYE!\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckCharset([]byte("BEHIY!\x00")); err != nil {
		t.Errorf("full charset: %v", err)
	}
	err = s.CheckCharset([]byte("BEHIY\x00"))
	want := `c.txt:2: response "BYE!": character '!' at position 4 is not in the model's charset`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.txt")
	if err := os.WriteFile(path, []byte("hello|hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path)
	if err != nil || s.Name != path || len(s.Pairs) != 1 || s.Pairs[0] != (Pair{"HELLO", "HI", 1}) {
		t.Errorf("Load: %+v, %v", s, err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "absent.txt")); err == nil {
		t.Error("missing file: no error")
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"  hello World \t": "HELLO WORLD",
		"abc-xyz{}~":       "ABC-XYZ{}~",
		"":                 "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParse: any input gives pairs that obey the rules, or an error; never
// a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte("hello|HI\n# c\nx|y\n"))
	f.Add([]byte(strings.Repeat("word ", 30) + "|" + strings.Repeat("ok ", 30)))
	f.Add([]byte("h\xc3\xa9|X\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz", strings.NewReader(string(data)))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, p := range s.Pairs {
			if len(p.Input) < 2 || len(p.Input) > MaxInput || p.Response == "" || len(p.Response) > MaxResponse {
				t.Fatalf("pair breaks the length rules: %+v", p)
			}
			if c, _ := badByte([]byte(p.Input + p.Response)); c > 0 || strings.ContainsAny(p.Input+p.Response, "\tabcdefghijklmnopqrstuvwxyz") {
				t.Fatalf("pair has bad or lower-case bytes: %+v", p)
			}
		}
	})
}
