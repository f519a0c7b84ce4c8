package augment

import (
	"fmt"
	"strings"
)

// Expand returns every sentence a phrasing template stands for. A template
// is text with alternatives in braces: "{HI|HELLO} THERE{ ZED|}" gives
// "HI THERE ZED", "HI THERE", "HELLO THERE ZED", "HELLO THERE". Braces do
// not nest. Runs of spaces left by empty alternatives are collapsed. The
// order is that of the alternatives, first group slowest.
func Expand(template string) ([]string, error) {
	out := []string{""}
	rest := template
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			if strings.ContainsAny(rest, "}|") {
				return nil, fmt.Errorf("template %q: '}' or '|' outside braces", template)
			}
			out = appendAll(out, []string{rest})
			break
		}
		if strings.ContainsAny(rest[:open], "}|") {
			return nil, fmt.Errorf("template %q: '}' or '|' outside braces", template)
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("template %q: '{' without '}'", template)
		}
		group := rest[open+1 : open+end]
		if strings.IndexByte(group, '{') >= 0 {
			return nil, fmt.Errorf("template %q: nested '{'", template)
		}
		out = appendAll(out, []string{rest[:open]})
		out = appendAll(out, strings.Split(group, "|"))
		rest = rest[open+end+1:]
	}
	for i, s := range out {
		out[i] = strings.Join(strings.Fields(s), " ")
	}
	return out, nil
}

// MustExpand is Expand for templates written into the program, where an
// error is a bug in the program's own tables.
func MustExpand(template string) []string {
	s, err := Expand(template)
	if err != nil {
		panic(err)
	}
	return s
}

func appendAll(heads, tails []string) []string {
	out := make([]string, 0, len(heads)*len(tails))
	for _, h := range heads {
		for _, t := range tails {
			out = append(out, h+t)
		}
	}
	return out
}
