// Command genwasm builds the browser version's WebAssembly binary and
// copies the matching wasm_exec.js into web/static. It is run by
// `go generate ./web` (working directory web/); with -check it writes
// nothing and exits 1 if the committed files differ from a fresh build.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"z80lm/internal/atomicfile"
)

func main() {
	check := flag.Bool("check", false, "compare with the committed files instead of writing them")
	flag.Parse()
	if err := run(*check); err != nil {
		fmt.Fprintln(os.Stderr, "genwasm:", err)
		os.Exit(1)
	}
}

func run(check bool) error {
	wasm, err := build()
	if err != nil {
		return err
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %v", err)
	}
	execJS, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return err
	}
	want := map[string][]byte{
		"static/z80lm.wasm.gz": gz(wasm),
		"static/wasm_exec.js":  execJS,
	}
	for name, b := range want {
		if check {
			old, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			if !bytes.Equal(old, b) {
				return fmt.Errorf("web/%s is out of date with the source: run go generate ./web", name)
			}
			continue
		}
		if err := atomicfile.WriteBytes(name, b); err != nil {
			return err
		}
		fmt.Printf("genwasm: wrote web/%s (%d bytes)\n", name, len(b))
	}
	if !check {
		fmt.Printf("genwasm: z80lm.wasm is %d bytes uncompressed\n", len(wasm))
	}
	return nil
}

// build cross-compiles ./wasm. -trimpath and -buildvcs=false keep the
// output independent of the checkout's location and git state, so that a
// rebuild from the same source and toolchain is byte-identical.
func build() ([]byte, error) {
	dir, err := os.MkdirTemp("", "genwasm")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "z80lm.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s", "-o", out, "./wasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("GOOS=js GOARCH=wasm go build ./web/wasm: %v", err)
	}
	return os.ReadFile(out)
}

// gz compresses with a zero header (no name, no time), so equal input
// gives equal output.
func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
