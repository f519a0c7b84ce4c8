// Package dataset reads, checks and describes training data: text files of
// "input|response" lines, as used by the original Z80-μLM project.
package dataset

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"z80lm/lm"
)

// Length limits of the v1 loader: longer inputs and responses are cut.
const (
	MaxInput    = lm.MaxQuery // 60
	MaxResponse = lm.MaxReply // 50

	// maxLine bounds one line so that a file without newlines cannot
	// exhaust memory; real data lines are far shorter.
	maxLine = 1 << 20
)

// A Pair is one training example.
type Pair struct {
	Input, Response string
	Line            int // 1-based line number in the source
}

// A Skip records a line that held no pair, and why.
type Skip struct {
	Line   int
	Reason string
}

// Skip reasons.
const (
	ReasonNoPipe        = "no '|' separator"
	ReasonShortInput    = "input shorter than 2 characters"
	ReasonEmptyResponse = "empty response"
)

// A Set is a parsed data file.
type Set struct {
	Name    string
	Pairs   []Pair
	Skipped []Skip // lines that were not pairs (blank and '#' lines are not listed)

	InputsCut, ResponsesCut int // pairs whose input or response was cut to length
}

// Normalize trims surrounding white space and upper-cases ASCII letters, as
// the v1 loader does for inputs and responses (and chat does for queries).
func Normalize(s string) string {
	s = strings.Trim(s, " \t\r\n\v\f")
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// Cut shortens s to at most limit bytes the way the v1 loader does
// (feedme.py, parse_pair; limit is 60 for inputs, 50 for responses):
//
//	s[:limit].rsplit(' ', 1)[0]  if ' ' in s[limit-20:limit]  else  s[:limit]
//
// that is, when one of the last 20 characters that fit is a space, s is cut
// just before the last space that fits (spaces in front of it are kept, as
// in the original); otherwise it is cut hard at limit. s of at most limit
// bytes is returned unchanged.
func Cut(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	head := s[:limit]
	if strings.Contains(head[max(0, limit-20):], " ") {
		return head[:strings.LastIndexByte(head, ' ')]
	}
	return head
}

// An Error is a problem at a position in a data file.
type Error struct {
	File      string
	Line, Col int // 1-based; Col 0 means the whole line
	Msg       string
}

func (e *Error) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ErrEmpty is wrapped by the error for a data file without any pair.
var ErrEmpty = errors.New("no input|response pairs")

// Parse reads "input|response" lines with the v1 rules: a line is split at
// its first '|', both sides are trimmed and upper-cased, pairs whose input
// is shorter than 2 characters or whose response is empty are skipped, and
// long inputs and responses are cut (see Cut). Lines without '|' are
// skipped and listed; blank lines and lines starting with '#' are comments.
//
// Text must be printable ASCII (tabs around the fields are trimmed); any
// other byte is an error naming name:line:col. An input without pairs is an
// error too.
func Parse(name string, r io.Reader) (*Set, error) {
	s := &Set{Name: name}
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := readLine(br)
		if err == errLineTooLong {
			return nil, &Error{name, n, 0, fmt.Sprintf("line longer than %d bytes", maxLine)}
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
		}
		if perr := s.parseLine(line, n); perr != nil {
			return nil, perr
		}
		if err == io.EOF {
			break
		}
	}
	if len(s.Pairs) == 0 {
		msg := ErrEmpty.Error()
		if len(s.Skipped) > 0 {
			msg += " (" + s.skipSummary() + ")"
		}
		return nil, &emptyError{&Error{File: name, Msg: msg}}
	}
	return s, nil
}

// emptyError lets errors.Is(err, ErrEmpty) work while printing file context.
type emptyError struct{ err *Error }

func (e *emptyError) Error() string { return e.err.Error() }
func (e *emptyError) Unwrap() error { return ErrEmpty }

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its "\n" or "\r\n" ending; at the
// end of input it returns the last (possibly empty) line and io.EOF.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, errLineTooLong
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		return line, err
	}
}

func (s *Set) parseLine(line []byte, n int) error {
	t := bytes.Trim(line, " \t")
	if len(t) == 0 || t[0] == '#' {
		return nil
	}
	if col, msg := badByte(line); col > 0 {
		return &Error{s.Name, n, col, msg}
	}
	pipe := bytes.IndexByte(line, '|')
	if pipe < 0 {
		s.Skipped = append(s.Skipped, Skip{n, ReasonNoPipe})
		return nil
	}
	for _, f := range []struct {
		what string
		off  int
		raw  []byte
	}{{"input", 0, line[:pipe]}, {"response", pipe + 1, line[pipe+1:]}} {
		lead := len(f.raw) - len(bytes.TrimLeft(f.raw, " \t"))
		if i := bytes.IndexByte(bytes.Trim(f.raw, " \t"), '\t'); i >= 0 {
			return &Error{s.Name, n, f.off + lead + i + 1, "tab inside the " + f.what + " (only printable ASCII is allowed)"}
		}
	}
	in, resp := Normalize(string(line[:pipe])), Normalize(string(line[pipe+1:]))
	switch {
	case len(in) < 2:
		s.Skipped = append(s.Skipped, Skip{n, ReasonShortInput})
		return nil
	case resp == "":
		s.Skipped = append(s.Skipped, Skip{n, ReasonEmptyResponse})
		return nil
	}
	if len(in) > MaxInput {
		in = Cut(in, MaxInput)
		s.InputsCut++
	}
	if len(resp) > MaxResponse {
		resp = Cut(resp, MaxResponse)
		s.ResponsesCut++
	}
	s.Pairs = append(s.Pairs, Pair{Input: in, Response: resp, Line: n})
	return nil
}

// badByte returns the 1-based column of the first byte that is neither
// printable ASCII nor a tab, and what is wrong with it; 0 if there is none.
func badByte(line []byte) (int, string) {
	for i, c := range line {
		switch {
		case c >= 0x20 && c < 0x7f || c == '\t':
			continue
		case c >= 0x80:
			return i + 1, fmt.Sprintf("non-ASCII byte 0x%02X (UTF-8 text such as accented letters is not supported; only printable ASCII is)", c)
		default:
			return i + 1, fmt.Sprintf("control character 0x%02X (only printable ASCII is allowed)", c)
		}
	}
	return 0, ""
}

// Load parses the data file at path; "-" reads standard input.
func Load(path string) (*Set, error) {
	if path == "-" {
		return Parse("<stdin>", os.Stdin)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(path, f)
}

// Summary says how many pairs were read and which lines were skipped and why.
func (s *Set) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d pairs", s.Name, len(s.Pairs))
	if len(s.Skipped) > 0 {
		fmt.Fprintf(&b, "; %s", s.skipSummary())
	}
	if s.InputsCut > 0 || s.ResponsesCut > 0 {
		fmt.Fprintf(&b, "; cut to length: %d inputs (>%d), %d responses (>%d)",
			s.InputsCut, MaxInput, s.ResponsesCut, MaxResponse)
	}
	return b.String()
}

// skipSummary reads like "3 lines skipped: 2 no '|' separator (lines 4, 9),
// 1 empty response (line 7)", listing at most a few line numbers per reason.
func (s *Set) skipSummary() string {
	lines := map[string][]int{}
	for _, k := range s.Skipped {
		lines[k.Reason] = append(lines[k.Reason], k.Line)
	}
	reasons := make([]string, 0, len(lines))
	for r := range lines {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = fmt.Sprintf("%d %s (%s)", len(lines[r]), r, lineList(lines[r]))
	}
	noun := "lines"
	if len(s.Skipped) == 1 {
		noun = "line"
	}
	return fmt.Sprintf("%d %s skipped: %s", len(s.Skipped), noun, strings.Join(parts, ", "))
}

func lineList(ns []int) string {
	const show = 5
	word := "lines "
	if len(ns) == 1 {
		word = "line "
	}
	var parts []string
	for i, n := range ns {
		if i == show {
			parts = append(parts, fmt.Sprintf("… %d more", len(ns)-show))
			break
		}
		parts = append(parts, fmt.Sprint(n))
	}
	return word + strings.Join(parts, ", ")
}

// CheckCharset reports the first response character that charset (a
// model's character set) lacks, naming file:line.
func (s *Set) CheckCharset(charset []byte) error {
	for _, p := range s.Pairs {
		if err := lm.CheckReply(charset, p.Response); err != nil {
			return &Error{File: s.Name, Line: p.Line, Msg: "response " + err.Error()}
		}
	}
	return nil
}
