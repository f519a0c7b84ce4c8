//go:build oracle

package codegen

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"z80lm/lm"
)

// TestPasmo: the generated source assembles with pasmo, an independent
// assembler, to the same bytes as with package asm.
func TestPasmo(t *testing.T) {
	if _, err := exec.LookPath("pasmo"); err != nil {
		t.Skip("pasmo not installed")
	}
	models := map[string]*lm.Model{}
	rng := rand.New(rand.NewPCG(3, 4))
	models["random-7-13"] = randomModel(rng, []int{7, 13}, 5, 0.5, 30000)
	if _, err := os.Stat(filepath.Join("..", "..", "shared", "reference", "guess-model.npz")); err == nil {
		for _, name := range []string{"guess", "tinychat"} {
			models[name], _ = loadRef(t, name)
		}
	}
	for name, m := range models {
		for _, k := range []Kernel{Compact, Scatter} {
			p, err := Build(m, Options{Kernel: k})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			src := filepath.Join(dir, "z80lm.asm")
			bin := filepath.Join(dir, "z80lm.bin")
			if err := os.WriteFile(src, p.Source, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("pasmo", src, bin).CombinedOutput(); err != nil {
				t.Fatalf("%s/%s: pasmo: %v\n%s", name, k, err, out)
			}
			got, err := os.ReadFile(bin)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, p.COM) {
				t.Errorf("%s/%s: pasmo gives %d bytes, package asm %d; they differ", name, k, len(got), len(p.COM))
			}
		}
	}
}
