package asm

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// lineBytes returns, per line of the main file, the bytes assembled while
// that line ran (a macro call or INCLUDE gets the bytes of its expansion).
func lineBytes(p *Program) map[int][]byte {
	m := map[int][]byte{}
	for _, l := range p.list {
		m[l.origin] = append(m[l.origin], p.listData[l.start:l.end]...)
	}
	return m
}

var hexComment = regexp.MustCompile(`^\s*([0-9A-F]{2}( [0-9A-F]{2})*)\s*$`)

// TestGolden assembles testdata/*.asm, whose lines end with the bytes they
// must produce as a comment ("; 3E 01"); lines without one produce none.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.asm")
	if len(files) == 0 {
		t.Fatal("no testdata/*.asm")
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Assemble(name, src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := lineBytes(p)
			var all []byte
			for i, line := range strings.Split(string(src), "\n") {
				var want []byte
				if c := strings.TrimPrefix(line[len(stripComment(line)):], ";"); hexComment.MatchString(c) {
					want, _ = hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(c), " ", ""))
				}
				if !bytes.Equal(got[i+1], want) {
					t.Errorf("%s:%d: %s\n\tgot  % X\n\twant % X", name, i+1, strings.TrimSpace(line), got[i+1], want)
				}
				all = append(all, want...)
			}
			if len(all) == 0 {
				t.Fatal("no expected bytes in file")
			}
		})
	}
}

var errorMarker = regexp.MustCompile(`; ERROR "(.*)"\s*$`)

// TestErrors assembles testdata/errors/*.asm: every line marked
// `; ERROR "regexp"` must get a matching error, and no other line any.
func TestErrors(t *testing.T) {
	files, _ := filepath.Glob("testdata/errors/*.asm")
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int]*regexp.Regexp{}
			for i, line := range strings.Split(string(src), "\n") {
				if m := errorMarker.FindStringSubmatch(line); m != nil {
					want[i+1] = regexp.MustCompile(m[1])
				}
			}
			_, err = Assemble(name, src, Options{})
			list, ok := err.(ErrorList)
			if !ok {
				t.Fatalf("want an ErrorList, got %v", err)
			}
			matched := map[int]bool{}
			for _, e := range list {
				re := want[e.Line]
				if e.File != name || re == nil || !re.MatchString(e.Msg) {
					t.Errorf("unexpected error %v", e)
					continue
				}
				matched[e.Line] = true
			}
			for line, re := range want {
				if !matched[line] {
					t.Errorf("%s:%d: missing error matching %q", name, line, re)
				}
			}
		})
	}
}
