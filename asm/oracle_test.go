//go:build oracle

package asm

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func tool(t *testing.T, name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (apt-get install binutils-z80 pasmo): %v", name, err)
	}
	return p
}

func runTool(t *testing.T, dir, name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func gasAssemble(t *testing.T, dir, src string) []byte {
	as, objcopy := tool(t, "z80-unknown-coff-as"), tool(t, "z80-unknown-coff-objcopy")
	os.WriteFile(filepath.Join(dir, "gas.s"), []byte(src), 0o644)
	runTool(t, dir, as, "-march=z80+full", "-o", "gas.o", "gas.s")
	runTool(t, dir, objcopy, "-O", "binary", "gas.o", "gas.bin")
	b, err := os.ReadFile(filepath.Join(dir, "gas.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pasmoAssemble(t *testing.T, dir, src string) []byte {
	pasmo := tool(t, "pasmo")
	os.WriteFile(filepath.Join(dir, "pasmo.s"), []byte(src), 0o644)
	runTool(t, dir, pasmo, "pasmo.s", "pasmo.bin")
	b, err := os.ReadFile(filepath.Join(dir, "pasmo.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// compareWithOracle assembles lines with z80lm, one at a time at their
// address (to know each line's bytes) and as a whole, and compares with
// the oracle's bytes line by line.
func compareWithOracle(t *testing.T, oracle string, lines []string, want []byte) {
	t.Helper()
	src := "\t" + strings.Join(lines, "\n\t") + "\n"
	whole, err := Assemble("forms.asm", []byte(src), Options{})
	if err != nil {
		t.Fatalf("z80lm rejects forms that %s accepts:\n%v", oracle, err)
	}
	bad := 0
	addr := 0
	for _, l := range lines {
		p, err := Assemble("line.asm", []byte("\t"+l+"\n"), Options{Org: uint16(addr)})
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		n := len(p.Bytes)
		if addr+n > len(want) || !bytes.Equal(p.Bytes, want[addr:addr+n]) {
			got := want[min(addr, len(want)):min(addr+n, len(want))]
			t.Errorf("%-24s z80lm % X, %s % X", l, p.Bytes, oracle, got)
			if bad++; bad > 20 {
				t.Fatal("too many differences")
			}
		}
		addr += n
	}
	if !bytes.Equal(whole.Bytes, want) {
		t.Fatalf("whole file: z80lm %d bytes, %s %d bytes, not identical", len(whole.Bytes), oracle, len(want))
	}
	t.Logf("%d instruction lines, %d bytes identical with %s", len(lines), len(want), oracle)
}

func TestOracleBinutils(t *testing.T) {
	var lines []string
	for _, f := range instructionForms() {
		if f.gas {
			lines = append(lines, f.text)
		}
	}
	want := gasAssemble(t, t.TempDir(), "\t"+strings.Join(lines, "\n\t")+"\n")
	compareWithOracle(t, "binutils", lines, want)
}

func TestOraclePasmo(t *testing.T) {
	var lines []string
	for _, f := range instructionForms() {
		if f.pasmo {
			lines = append(lines, f.text)
		}
	}
	want := pasmoAssemble(t, t.TempDir(), "\t"+strings.Join(lines, "\n\t")+"\n")
	compareWithOracle(t, "pasmo", lines, want)
}

// TestOracleZ80asm compares the documented forms with a third assembler.
// z80asm 1.8 is no oracle for undocumented ones: it rejects INC/DEC IXH,
// LD A,IXL and IN (C), assembles ADD A,IYH as FD 85 (the code of IYL), and
// drops the copy register of SET b,(IY+d),r (FD CB d F6 for SET 6,(IY-80h),A
// where binutils and the documented behaviour of the opcode give F7), and
// spells SLL only as SLI.
func TestOracleZ80asm(t *testing.T) {
	z80asm := tool(t, "z80asm")
	var lines []string
	for _, f := range instructionForms() {
		if f.z80asm {
			lines = append(lines, f.text)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "z.s"), []byte("\t"+strings.Join(lines, "\n\t")+"\n"), 0o644)
	runTool(t, dir, z80asm, "-i", "z.s", "-o", "z.bin")
	want, err := os.ReadFile(filepath.Join(dir, "z.bin"))
	if err != nil {
		t.Fatal(err)
	}
	compareWithOracle(t, "z80asm", lines, want)
}

// pasmoProgram exercises directives, macros, conditionals and expressions
// in the syntax pasmo 0.5.3 shares with z80lm (pasmo lacks ENDR, ALIGN,
// DEFL/=, << >> ^, == and `(expr)+n` immediates, so they are not used).
const pasmoProgram = `
	org 100h
count	equ 3
size	equ count*2+1
start:	ld hl,msg
	ld de,table+size
	ld bc,finish-start
	ld a,(msg)
	ld a,high(start) + 1
	ld a,low table
	ld a,count shl 4 or 5
	ld a,size mod 4
	ld a,-1 and 7Fh
	jr nz,start
	djnz $
fill	macro val, n
	local lp
	ld b,n
lp:	ld (hl),val
	inc hl
	djnz lp
	endm
	fill 0, 10
	fill 0FFh, count
	rept 3
	rlca
	endm
	if size > 5
	db 1
	if count = 4
	db 2
	else
	db 3
	endif
	else
	db 4
	endif
msg:	db "Hello, ",'w','o','rld',0Dh,0Ah,'$'
	db 'it''s', 1 < 2, 2 <= 1, 3 ne 4, not 0
	dw msg, $, -2, 0FFFFh
table:	ds 5
	ds 3,0E5h
	org 200h
	db high 1234h, low 1234h, %101, 101b, 17o, 0x1F, $1F
finish:	nop
`

func TestOraclePasmoProgram(t *testing.T) {
	want := pasmoAssemble(t, t.TempDir(), pasmoProgram)
	p, err := Assemble("program.asm", []byte(pasmoProgram), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Org != 0x100 || !bytes.Equal(p.Bytes, want) {
		t.Fatalf("z80lm org %04Xh\n% X\npasmo (from 0100h)\n% X", p.Org, p.Bytes, want)
	}
	t.Logf("%d bytes identical with pasmo", len(want))
}

// TestOracleExpressions records where the expression rules of binutils and
// pasmo differ and which one z80lm follows: binutils for unary operators
// (they bind tightest, as in arithmetic), pasmo (and C) for the binary
// precedence and for true = all ones. Only syntax both accept is used (with
// a space after &, which starts a hex literal in pasmo).
func TestOracleExpressions(t *testing.T) {
	tests := []struct {
		expr    string
		follows string // "both" (the oracles agree), "gas" or "pasmo"
	}{
		{"1+2*3", "both"},
		{"(1+2)*3", "both"},
		{"7/2", "both"},
		{"-7/2", "both"},
		{"7%3", "both"},
		{"1<2", "both"},
		{"2*3 < 7", "both"},
		{"5 != 5", "both"},
		{"1|2 & 3", "both"},
		{"0FFh & 0Fh + 1", "both"},
		{"-1+2", "gas"},      // pasmo: -(1+2)
		{"~1+1", "gas"},      // pasmo: ~(1+1)
		{"3+1 & 2", "pasmo"}, // binutils: & binds tighter than +
		{"2|1 & 1", "pasmo"}, // binutils: | and & on one level
		{"!0", "pasmo"},      // binutils: 1
	}
	dir := t.TempDir()
	var src strings.Builder
	for _, tt := range tests {
		fmt.Fprintf(&src, "\tdb %s\n", tt.expr)
	}
	gas := gasAssemble(t, dir, src.String())
	pasmo := pasmoAssemble(t, dir, src.String())
	p, err := Assemble("e.asm", []byte(src.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		got, g, ps := p.Bytes[i], gas[i], pasmo[i]
		switch tt.follows {
		case "both":
			if g != ps || got != g {
				t.Errorf("db %s: z80lm %02X, binutils %02X, pasmo %02X; want all equal", tt.expr, got, g, ps)
			}
		case "gas":
			if got != g || g == ps {
				t.Errorf("db %s: z80lm %02X, binutils %02X, pasmo %02X; want z80lm = binutils != pasmo", tt.expr, got, g, ps)
			}
		case "pasmo":
			if got != ps || g == ps {
				t.Errorf("db %s: z80lm %02X, binutils %02X, pasmo %02X; want z80lm = pasmo != binutils", tt.expr, got, g, ps)
			}
		}
	}
}

// TestOracleRangeChecks records how the oracles treat out-of-range operands,
// where z80lm is stricter than both or follows the Zilog manual: an index
// displacement is a signed byte (-128..127), as binutils enforces and pasmo
// does not for +128..+255 (it wraps +128 to 80h) though it rejects -129;
// an 8-bit immediate must be -128..255, which both oracles only warn about
// or silently truncate.
func TestOracleRangeChecks(t *testing.T) {
	as, objcopy, pasmo := tool(t, "z80-unknown-coff-as"), tool(t, "z80-unknown-coff-objcopy"), tool(t, "pasmo")
	tests := []struct {
		line           string
		gasOK, pasmoOK bool
	}{
		{"ld a,(ix+128)", false, true},
		{"ld a,(iy-129)", false, false},
		{"ld a,256", true, true},
		{"jr $+130", false, false},
	}
	dir := t.TempDir()
	run := func(name string, args ...string) bool {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		return cmd.Run() == nil
	}
	for _, tt := range tests {
		os.WriteFile(filepath.Join(dir, "r.s"), []byte("\t"+tt.line+"\n"), 0o644)
		gasOK := run(as, "-march=z80+full", "-o", "r.o", "r.s") && run(objcopy, "-O", "binary", "r.o", "r.bin")
		pasmoOK := run(pasmo, "r.s", "p.bin")
		if gasOK != tt.gasOK || pasmoOK != tt.pasmoOK {
			t.Errorf("%s: binutils accepts %v, pasmo %v; recorded %v, %v", tt.line, gasOK, pasmoOK, tt.gasOK, tt.pasmoOK)
		}
		if _, err := Assemble("r.asm", []byte("\t"+tt.line+"\n"), Options{}); err == nil {
			t.Errorf("%s: z80lm accepts it, want a range error", tt.line)
		}
	}
}
