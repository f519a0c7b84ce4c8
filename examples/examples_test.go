package examples

import (
	"bytes"
	"testing"

	"z80lm/codegen"
)

// TestShippedProgramsAreCurrent: each shipped .COM is exactly what the
// current compiler makes of the shipped model, and its figures describe
// that .COM. A change to the compiler or the runtime must be followed by
// `go generate ./examples`.
func TestShippedProgramsAreCurrent(t *testing.T) {
	for _, p := range Programs() {
		m, err := p.Model()
		if err != nil {
			t.Fatal(err)
		}
		built, err := codegen.Build(m, codegen.Options{})
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if !bytes.Equal(built.COM, p.COM) {
			t.Errorf("%s.COM (%d bytes) differs from the compiler's output for its model (%d bytes): run go generate ./examples",
				p.Name, len(p.COM), len(built.COM))
		}
		f, err := p.Figures()
		if err != nil {
			t.Fatal(err)
		}
		if f.Bytes != len(p.COM) || f.CharsPerSec <= 0 {
			t.Errorf("%s figures describe a %d-byte .COM at %.2f chars/s; the .COM has %d bytes", p.Name, f.Bytes, f.CharsPerSec, len(p.COM))
		}
	}
}
