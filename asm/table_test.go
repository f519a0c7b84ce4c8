package asm

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func assemble(t *testing.T, src string, opt Options) *Program {
	t.Helper()
	p, err := Assemble("t.asm", []byte(src), opt)
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	return p
}

// TestExpressions checks operators, precedence and literals; every value
// was computed by hand (and agrees with pasmo and binutils where both
// accept the syntax, noted otherwise).
func TestExpressions(t *testing.T) {
	tests := []struct {
		expr string
		want uint16
	}{
		{"1+2*3", 7},
		{"(1+2)*3", 9},
		{"1 shl 2 + 1", 5}, // shifts bind like *, in pasmo and binutils
		{"1<<2+1", 5},
		{"100h shr 1", 0x80},
		{"-1 >> 1", 0xFFFF}, // arithmetic shift, as binutils
		{"7 & 3 = 3", 7},    // & binds looser than =, as pasmo and C
		{"5|2", 7},
		{"5 or 2", 7},
		{"5^1", 4},
		{"5 xor 1", 4},
		{"7 and 3", 3},
		{"~0", 0xFFFF},
		{"not 0", 0xFFFF},
		{"!0", 0xFFFF}, // true is all ones, as pasmo
		{"!5", 0},
		{"1==1", 0xFFFF},
		{"1=2", 0},
		{"1!=2", 0xFFFF},
		{"1<>1", 0},
		{"2>1", 0xFFFF},
		{"1>=2", 0},
		{"2<=2", 0xFFFF},
		{"3 lt 4", 0xFFFF},
		{"3 ge 4", 0},
		{"1 && 2", 0xFFFF},
		{"0 || 0", 0},
		{"10/3", 3},
		{"-7/2", 0xFFFD}, // truncates toward zero, as both oracles
		{"-7 mod 2", 0xFFFF},
		{"7%3", 1},
		{"7 % 3", 1},
		{"%1010", 10},
		{"0b1010", 10},
		{"1010b", 10},
		{"0FFh", 255},
		{"0ffffh", 0xFFFF},
		{"$FF", 255},
		{"0xFF", 255},
		{"17o", 15},
		{"17q", 15},
		{"255", 255},
		{"'A'", 0x41},
		{"'A'+1", 0x42},
		{`"a"`, 0x61},
		{"''''", 0x27},
		{"high 1234h", 0x12},
		{"low 1234h", 0x34},
		{"HIGH(1234h)", 0x12},
		{"low 12FFh+1", 0x00},    // LOW applies to the rest, as pasmo
		{"low(12FFh)+1", 0x00},   // even after parentheses, as pasmo
		{"(low 12FFh)+1", 0x100}, // the other meaning
		{"1+high 1234h", 0x13},
		{"$", 0x100},
		{"$+2", 0x102},
		{"-1+2", 1}, // binutils; pasmo 0.5.3 says -3 (its unary minus binds loosely)
		{"~1+1", 0xFFFF},
		{"-(-5)", 5},
		{"--5", 5},
		{"+3", 3},
		{"2*-3", 0xFFFA},
		{"label+1", 0x107},
		{"fwd-label", 3},
	}
	for _, tt := range tests {
		src := "\torg 100h\n\tdw " + tt.expr + "\n\tdw 0,0\nlabel:\tnop\n\tnop\n\tnop\nfwd:\n"
		p := assemble(t, src, Options{})
		if got := uint16(p.Bytes[0]) | uint16(p.Bytes[1])<<8; got != tt.want {
			t.Errorf("dw %s = %04Xh, want %04Xh", tt.expr, got, tt.want)
		}
	}
}

// TestDirectives checks directives and syntax variants with hand-made bytes.
func TestDirectives(t *testing.T) {
	mapFS := fstest.MapFS{
		"dir/data.bin":  {Data: []byte{1, 2, 3}},
		"dir/sub/x.inc": {Data: []byte("\tdb 9\n\tincbin \"../data.bin\"\n")},
	}
	tests := []struct {
		name string
		src  string
		opt  Options
		org  uint16
		want []byte
	}{
		{"empty", "", Options{Org: 0x100}, 0x100, nil},
		{"comment only", "; nothing\n\n", Options{}, 0, nil},
		{"option org", "\tdb $>>8,$&0FFh\n", Options{Org: 0x1234}, 0x1234, []byte{0x12, 0x34}},
		{"org gap filled with zero", "\tdb 1\n\torg 3\n\tdb 2\n", Options{}, 0, []byte{1, 0, 0, 2}},
		{"org back overwrites", "\tdb 1,2\n\torg 1\n\tdb 3\n", Options{}, 0, []byte{1, 3}},
		{"org lowest first", "\torg 10h\n\tdb 1\n\torg 8\n\tdb 2\n", Options{}, 8, []byte{2, 0, 0, 0, 0, 0, 0, 0, 1}},
		{"ds fill", "\tds 2,0FFh\n\tdefs 1,-1\n", Options{}, 0, []byte{0xFF, 0xFF, 0xFF}},
		{"ds zero", "\tds 0\n\tdb 1\n", Options{}, 0, []byte{1}},
		{"db strings", "\tdb \"AB\",0,'C'\n", Options{}, 0, []byte{0x41, 0x42, 0, 0x43}},
		{"db semicolon in string", "\tdb ';' ; comment\n", Options{}, 0, []byte{0x3B}},
		{"dw list", "\tdw 1,1234h\n", Options{}, 0, []byte{1, 0, 0x34, 0x12}},
		{"dw dollar is statement start", "\torg 10h\n\tdw $,$\n", Options{}, 0x10, []byte{0x10, 0, 0x10, 0}},
		{"align", "\tdb 1\n\talign 4\n\tdb 2\n\talign 4\n", Options{}, 0, []byte{1, 0, 0, 0, 2, 0, 0, 0}},
		{"colonless label in column 1", "loop\tdjnz loop\n", Options{}, 0, []byte{0x10, 0xFE}},
		{"mnemonic in column 1", "nop\nhalt\n", Options{}, 0, []byte{0x00, 0x76}},
		{"forward equ chain", "\tld bc,x\nx equ y+1\ny equ en-st\nst:\tnop\nen:\n", Options{}, 0, []byte{1, 2, 0, 0}},
		{"label then equ", "x: equ 5\n\tdb x\n", Options{}, 0, []byte{5}},
		{"assignment", "x = 5\n\tdb x\n", Options{}, 0, []byte{5}},
		{"indented equ", "\tx equ 7\n\tdb x\n", Options{}, 0, []byte{7}},
		{"upper case", "\tLD A,(IX+1)\n\tJP (HL)\n\tEX AF,AF'\n", Options{}, 0, []byte{0xDD, 0x7E, 1, 0xE9, 0x08}},
		{"alternate ALU forms", "\tsub a,b\n\tadd b\n\tcp a,5\n\tand a,(hl)\n", Options{}, 0, []byte{0x90, 0x80, 0xFE, 5, 0xA6}},
		{"local labels", "g1:\tjr .x\n.x:\tnop\ng2:\tjr @x\n@x:\tjr .x\n.x:\n", Options{}, 0, []byte{0x18, 0, 0, 0x18, 0, 0x18, 0}},
		{"if else nesting", "\tif 0\n\tif 1\n\tdb 1\n\telse\n\tdb 2\n\tendif\n\telse\n\tdb 3\n\tendif\n", Options{}, 0, []byte{3}},
		{"rept nested", "\trept 2\n\trept 3\n\tnop\n\tendr\n\tdb 1\n\tendr\n", Options{}, 0, []byte{0, 0, 0, 1, 0, 0, 0, 1}},
		{"rept zero", "\trept 0\n\tnop\n\tendr\n\tdb 1\n", Options{}, 0, []byte{1}},
		{"macro keyword first", "\tMACRO put v\n\tdb v\n\tENDM\n\tput 7\n", Options{}, 0, []byte{7}},
		{"macro missing argument empty", "m\tmacro a,b\n\tdb a b\n\tendm\n\tm 4\n", Options{}, 0, []byte{4}},
		{"macro arguments are text", "m\tmacro v,w\n\tld a,v\n\tdb w\n\tendm\n\tm (1), 2\n", Options{}, 0, []byte{0x3A, 1, 0, 2}},
		{"macro local labels", "m\tmacro\n\tlocal l\nl:\tjr l\n\tendm\n\tm\n\tm\n", Options{}, 0, []byte{0x18, 0xFE, 0x18, 0xFE}},
		{"macro with string argument", "m\tmacro s\n\tdb s\n\tendm\n\tm \"a,b\"\n", Options{}, 0, []byte{'a', ',', 'b'}},
		{"end stops", "\tdb 1\n\tend\n\tdb 2\n", Options{}, 0, []byte{1}},
		{"ifdef sees earlier symbols only", "\tifdef x\n\tdb 1\n\tendif\nx equ 1\n\tifdef x\n\tdb 2\n\tendif\n", Options{}, 0, []byte{2}},
		{"defl redefined", "v defl 1\n\tdb v\nv defl v*3\n\tdb v\n", Options{}, 0, []byte{1, 3}},
		{"include and incbin from FS", "\tinclude \"sub/x.inc\"\n\tincbin \"data.bin\"\n", Options{FS: mapFS}, 0, []byte{9, 1, 2, 3, 1, 2, 3}},
		{"byte order mark", "\uFEFF\tdb 1\n", Options{}, 0, []byte{1}},
		{"crlf lines", "\tdb 1\r\n\tdb 2\r\n", Options{}, 0, []byte{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Assemble("dir/main.asm", []byte(tt.src), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if p.Org != tt.org || !bytes.Equal(p.Bytes, tt.want) {
				t.Errorf("got org %04Xh % X, want org %04Xh % X", p.Org, p.Bytes, tt.org, tt.want)
			}
		})
	}
}

// TestErrorPositions checks file, line and column of errors, and that
// errors from both passes come out in source order.
func TestErrorPositions(t *testing.T) {
	src := "\tnop\n\tld a,256\n  jp nowhere\n\tdb x\nx equ y+1\ny equ x\n\tld a,(ix+200)\n"
	_, err := Assemble("p.asm", []byte(src), Options{})
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("want ErrorList, got %v", err)
	}
	want := []string{
		"p.asm:2:7: value 256 (100h) does not fit in a byte",
		"p.asm:3:6: undefined symbol nowhere",
		"p.asm:4:5: symbol x has no value: its definition is circular",
		"p.asm:5:7: symbol y has no value: its definition is circular",
		"p.asm:6:7: symbol x has no value: its definition is circular",
		"p.asm:7:10: index offset 200 out of range -128..127",
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}

func TestErrorCap(t *testing.T) {
	src := strings.Repeat("\tmov a,b\n", 50)
	_, err := Assemble("c.asm", []byte(src), Options{})
	list, _ := err.(ErrorList)
	if len(list) != maxErrors+1 || list[maxErrors].Msg != "too many errors" {
		t.Fatalf("got %d errors, last %v; want %d and a final 'too many errors'", len(list), list[len(list)-1], maxErrors+1)
	}
	if list[0].Line != 1 || list[maxErrors-1].Line != maxErrors {
		t.Errorf("errors not in line order: first %v, last %v", list[0], list[maxErrors-1])
	}
}

func TestMacroErrorNamesCall(t *testing.T) {
	src := "m\tmacro v\n\tld a,v\n\tendm\n\tm 300\n"
	_, err := Assemble("m.asm", []byte(src), Options{})
	want := "m.asm:2:7: value 300 (12Ch) does not fit in a byte (in macro m called at m.asm:4)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestRunawayRept(t *testing.T) {
	src := "\trept 65535\n\trept 65535\n\tendif\n\tendr\n\tendr\n"
	_, err := Assemble("r.asm", []byte(src), Options{})
	if err == nil || !strings.Contains(err.Error(), "ENDIF without IF") {
		t.Fatalf("got %v", err)
	}
	src = "\trept 65535\n\trept 65535\n\t; nothing\n\tendr\n\tendr\n"
	_, err = Assemble("r.asm", []byte(src), Options{})
	if err == nil || !strings.Contains(err.Error(), "runs away") {
		t.Fatalf("got %v", err)
	}
}

func TestCodePastFFFF(t *testing.T) {
	_, err := Assemble("o.asm", []byte("\torg 0FFFEh\n\tld bc,1\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "o.asm:2:1: code runs past FFFFh") {
		t.Fatalf("got %v", err)
	}
	p := assemble(t, "\torg 0FFFDh\n\tld bc,1\n", Options{})
	if p.Org != 0xFFFD || len(p.Bytes) != 3 {
		t.Errorf("got org %04Xh, %d bytes", p.Org, len(p.Bytes))
	}
}

func TestIncbinPastFFFFStops(t *testing.T) {
	fsys := fstest.MapFS{"big.bin": {Data: make([]byte, 0x8000)}}
	src := "\trept 65535\n\tincbin \"big.bin\"\n\tds 8000h\n\talign 8000h\n\tendr\n"
	_, err := Assemble("big.asm", []byte(src), Options{FS: fsys})
	if err == nil || !strings.Contains(err.Error(), "big.asm:2:1: code runs past FFFFh") {
		t.Fatalf("got %v", err)
	}
}

func TestSymbols(t *testing.T) {
	p := assemble(t, "\torg 100h\nmain:\tnop\n.loop:\tjr .loop\nn equ 5\nend2:\n", Options{})
	want := map[string]int{"main": 0x100, "main.loop": 0x101, "n": 5, "end2": 0x103}
	if fmt.Sprint(p.Symbols) != fmt.Sprint(want) {
		t.Errorf("symbols %v, want %v", p.Symbols, want)
	}
	sym := string(p.SymbolFile())
	wantSym := "n                        EQU 00005H\n" +
		"main                     EQU 00100H\n" +
		"main.loop                EQU 00101H\n" +
		"end2                     EQU 00103H\n"
	if sym != wantSym {
		t.Errorf("symbol file\n%s\nwant\n%s", sym, wantSym)
	}
}

func TestListing(t *testing.T) {
	src := "\torg 100h\nn\tequ 5\nstart:\tld a,n\n\tdb 1,2,3,4,5,6\n\tif 0\n\tnop\n\tendif\n\tds 6\n"
	p := assemble(t, src, Options{})
	// line(5) addr(4 after 2 spaces) bytes(12 after 2 spaces) mark source
	want := "; file t.asm\n" +
		"    1                      \torg 100h\n" +
		"    2  =0005               n\tequ 5\n" +
		"    3  0100  3E 05         start:\tld a,n\n" +
		"    4  0102  01 02 03 04   \tdb 1,2,3,4,5,6\n" +
		"       0106  05 06\n" +
		"    5                      \tif 0\n" +
		"    6                      \tnop\n" +
		"    7                      \tendif\n" +
		"    8  0108  00 00 00 00   \tds 6\n"
	if got := string(p.Listing()); got != want {
		t.Errorf("listing\n%s\nwant\n%s", got, want)
	}
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ; comment", nil},
		{" a", []string{"a"}},
		{" a, (b,c), \"d,e\" ; x,y", []string{"a", "(b,c)", `"d,e"`}},
		{" af,af', ';'", []string{"af", "af'", "';'"}},
		{" ,", []string{"", ""}},
	}
	for _, tt := range tests {
		if got := splitArgs(tt.in); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
			t.Errorf("splitArgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
