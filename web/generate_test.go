package web

import (
	"os/exec"
	"testing"
)

// The committed z80lm.wasm.gz and wasm_exec.js must be what `go generate
// ./web` makes from the current source and toolchain.
func TestGeneratedUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the wasm binary; skipped with -short")
	}
	out, err := exec.Command("go", "run", "./internal/genwasm", "-check").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}
