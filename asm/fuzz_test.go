package asm

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// FuzzAssemble: any source text assembles or fails with errors, never a
// panic or a hang; a success gives a listing and a symbol file.
func FuzzAssemble(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.asm")
	more, _ := filepath.Glob("testdata/errors/*.asm")
	for _, name := range append(seeds, more...) {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"\tld a,(ix+5)\n\tjr $\n",
		"m macro a\n\tdb a\n\tendm\n\tm 1\n\tm\n",
		"\trept 3\n\tif $ > 1\n\tnop\n\telse\n\thalt\n\tendif\n\tendr\n",
		"\tinclude \"inc.asm\"\n\tincbin \"data.bin\"\n",
		"x: equ %1010 shl 2\n\tdw high x, low(x), 'a'\n",
	} {
		f.Add([]byte(s))
	}
	fsys := fstest.MapFS{
		"inc.asm":  {Data: []byte("\tdb 1\n\tinclude \"inc.asm\"\n")},
		"data.bin": {Data: []byte{1, 2, 3}},
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := Assemble("fuzz.asm", src, Options{FS: fsys})
		if err != nil {
			if _, ok := err.(ErrorList); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		p.Listing()
		p.SymbolFile()
	})
}
