package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"z80lm/internal/reftest"
)

// runCLI runs z80lm in-process with the given standard input and returns
// what it printed and its exit status.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "stdin")
	if err := os.WriteFile(in, []byte(stdin), 0o644); err != nil {
		t.Fatal(err)
	}
	files := [3]*os.File{}
	for i, name := range []string{"stdin", "stdout", "stderr"} {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		files[i] = f
	}
	saved := [3]*os.File{os.Stdin, os.Stdout, os.Stderr}
	os.Stdin, os.Stdout, os.Stderr = files[0], files[1], files[2]
	code = runMain(args)
	os.Stdin, os.Stdout, os.Stderr = saved[0], saved[1], saved[2]
	read := func(f *os.File) string {
		f.Seek(0, io.SeekStart)
		b, _ := io.ReadAll(f)
		return string(b)
	}
	return read(files[1]), read(files[2]), code
}

// hello is a CP/M program, assembled by hand:
//
//	0100  0E 09      ld c,9        ;  7 T
//	0102  11 09 01   ld de,msg     ; 10 T
//	0105  CD 05 00   call 5        ; 17 T, then JP E406h 10 T, RET 10 T
//	0108  C9         ret           ; 10 T, to 0000h: JP F203h 10 T (warm boot)
//	0109  "HELLO$"
var hello = []byte{0x0E, 0x09, 0x11, 0x09, 0x01, 0xCD, 0x05, 0x00, 0xC9, 'H', 'E', 'L', 'L', 'O', '$'}

func TestCLIExitStatus(t *testing.T) {
	dir := t.TempDir()
	com := filepath.Join(dir, "HELLO.COM")
	os.WriteFile(com, hello, 0o644)
	loop := filepath.Join(dir, "LOOP.COM")
	os.WriteFile(loop, []byte{0x18, 0xFE}, 0o644) // jr $
	tests := []struct {
		args    []string
		code    int
		stdout  string // substring
		stderr  string // substring
		noFiles []string
	}{
		{args: nil, code: 2, stderr: "usage: z80lm COMMAND"},
		{args: []string{"frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`},
		{args: []string{"help"}, code: 0, stdout: "commands:"},
		{args: []string{"run", "--help"}, code: 0, stdout: "usage: z80lm run FILE.COM"},
		{args: []string{"run"}, code: 2, stderr: "missing"},
		{args: []string{"run", filepath.Join(dir, "NONE.COM")}, code: 1, stderr: "NONE.COM"},
		{args: []string{"run", com}, code: 0, stdout: "HELLO"},
		{args: []string{"run", loop, "--max-tstates", "1000"}, code: 1, stderr: "T-state limit"},
		{args: []string{"run", "--bogus", com}, code: 2, stderr: "bogus"},
		{args: []string{"build", "--model", com, "--out", filepath.Join(dir, "X.COM")}, code: 1,
			stderr: "HELLO.COM", noFiles: []string{"X.COM"}},
		{args: []string{"chat", "--native", "--com", com}, code: 2, stderr: "--native"},
		{args: []string{"train", "--data", com, "--out", filepath.Join(dir, "m.z80lm")}, code: 1,
			stderr: "HELLO.COM", noFiles: []string{"m.z80lm"}},
		{args: []string{"train", "--data", com, "--out", filepath.Join(dir, "m.z80lm"), "--hidden", "0"}, code: 2},
	}
	for _, tt := range tests {
		stdout, stderr, code := runCLI(t, "", tt.args...)
		if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("z80lm %q: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
				tt.args, code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
		}
		for _, f := range tt.noFiles {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				t.Errorf("z80lm %q left %s behind", tt.args, f)
			}
		}
	}
}

// TestRunStats checks --stats against T-states counted by hand from the
// Zilog manual: ld c,9 (7) + ld de,nn (10) + call (17) + JP E406h (10) +
// RET (10) + ret (10) + JP F203h at 0000h (10) = 74.
func TestRunStats(t *testing.T) {
	dir := t.TempDir()
	com := filepath.Join(dir, "HELLO.COM")
	os.WriteFile(com, hello, 0o644)
	stats := filepath.Join(dir, "s.json")
	if _, stderr, code := runCLI(t, "", "run", com, "--stats", stats); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(stats)
	if err != nil {
		t.Fatal(err)
	}
	var s struct{ TStates uint64 }
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if s.TStates != 74 {
		t.Errorf("tstates = %d, want 74", s.TStates)
	}
}

func TestAsmCLI(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "t.asm")
	bin := filepath.Join(dir, "t.bin")
	// Bytes from the Zilog manual: LD A,n = 3E n; JR e = 18 e; RET = C9.
	os.WriteFile(src, []byte("\torg 100h\nstart:\tld a,42h\n\tjr start\n\tret\n"), 0o644)
	if _, stderr, code := runCLI(t, "", "asm", src, "--out", bin); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(bin)
	if want := []byte{0x3E, 0x42, 0x18, 0xFC, 0xC9}; string(got) != string(want) {
		t.Errorf("bytes % X, want % X", got, want)
	}
	bad := filepath.Join(dir, "bad.asm")
	os.WriteFile(bad, []byte("\tld a,1\n\tjp nowhere\n"), 0o644)
	out := filepath.Join(dir, "bad.bin")
	_, stderr, code := runCLI(t, "", "asm", bad, "--out", out)
	if code != 1 || !strings.Contains(stderr, "bad.asm:2:") || !strings.Contains(stderr, "nowhere") {
		t.Errorf("undefined label: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed assembly wrote %s", out)
	}
}

// TestInfo: guess-model.npz has 256·256+256 + 256·192+192 + 192·128+128 +
// 128·11+11 = 141,259 parameters and 11 output characters (10 + EOS).
func TestInfo(t *testing.T) {
	stdout, stderr, code := runCLI(t, "", "info", reftest.Model(t, "guess"))
	if code != 0 || !strings.Contains(stdout, "141259 parameters") || !strings.Contains(stdout, `charset "ABEIMNOSWY" + EOS`) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
