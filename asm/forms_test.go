package asm

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// form is one generated instruction line and the oracles that accept it.
type form struct {
	text   string
	gas    bool // binutils z80-unknown-coff-as -march=z80+full
	pasmo  bool // pasmo 0.5.3
	z80asm bool // z80asm 1.8: documented forms only, see TestOracleZ80asm
}

var (
	imm8  = []string{"0", "7Fh", "80h", "0FFh", "1"}
	imm16 = []string{"0", "7Fh", "80h", "0FFh", "0FFFFh", "1234h"}
	disps = []string{"+0", "+7Fh", "-80h", "-1", "+5"}
	rels  = []string{"$", "$+2", "$+81h", "$-7Eh"} // offsets -2, 0, 127, -128
	regs  = []string{"b", "c", "d", "e", "h", "l", "(hl)", "a"}
	conds = []string{"nz", "z", "nc", "c", "po", "pe", "p", "m"}
	alu   = []string{"add a,", "adc a,", "sub ", "sbc a,", "and ", "xor ", "or ", "cp "}
	rots  = []string{"rlc", "rrc", "rl", "rr", "sla", "sra", "srl"}
)

// instructionForms generates every opcode of every prefix (unprefixed, CB,
// ED, DD/FD and DD/FD CB) with representative registers and edge values.
// Opcodes that have no mnemonic of their own (the ED and DD/FD duplicates)
// cannot be written in assembly and are not generated.
func instructionForms() []form {
	var fs []form
	// both: documented forms, which every oracle knows.
	both := func(format string, args ...any) {
		fs = append(fs, form{fmt.Sprintf(format, args...), true, true, true})
	}
	// undoc: undocumented forms known to binutils (with -march=z80+full;
	// its default z80+xyhl+infc lacks SLI, OUT (C),0 and the DD CB copies)
	// and to pasmo.
	undoc := func(format string, args ...any) {
		fs = append(fs, form{fmt.Sprintf(format, args...), true, true, false})
	}
	// gasOnly: undocumented forms pasmo 0.5.3 does not know (IN (C),
	// IN F,(C), OUT (C),0, the DD CB register-copy forms, SLI/SL1).
	gasOnly := func(format string, args ...any) {
		fs = append(fs, form{fmt.Sprintf(format, args...), true, false, false})
	}

	// Unprefixed.
	for _, op := range strings.Fields("nop halt di ei exx daa cpl scf ccf rlca rrca rla rra ret") {
		both("%s", op)
	}
	for _, d := range regs {
		for _, s := range regs {
			if d != "(hl)" || s != "(hl)" {
				both("ld %s,%s", d, s)
			}
		}
		for _, n := range imm8 {
			both("ld %s,%s", d, n)
		}
		both("inc %s", d)
		both("dec %s", d)
		for _, op := range alu {
			both("%s%s", op, d)
		}
	}
	for _, op := range alu {
		for _, n := range imm8 {
			both("%s%s", op, n)
		}
	}
	for _, rr := range []string{"bc", "de", "hl", "sp"} {
		for _, nn := range imm16 {
			both("ld %s,%s", rr, nn)
		}
		both("inc %s", rr)
		both("dec %s", rr)
		both("add hl,%s", rr)
	}
	for _, nn := range imm16 {
		both("ld (%s),a", nn)
		both("ld a,(%s)", nn)
		both("ld (%s),hl", nn)
		both("ld hl,(%s)", nn)
		both("jp %s", nn)
		both("call %s", nn)
		for _, c := range conds {
			both("jp %s,%s", c, nn)
			both("call %s,%s", c, nn)
		}
	}
	both("ld (bc),a")
	both("ld (de),a")
	both("ld a,(bc)")
	both("ld a,(de)")
	both("ld sp,hl")
	both("ex af,af'")
	both("ex de,hl")
	both("ex (sp),hl")
	both("jp (hl)")
	for _, r := range rels {
		both("jr %s", r)
		both("djnz %s", r)
		for _, c := range conds[:4] {
			both("jr %s,%s", c, r)
		}
	}
	for _, c := range conds {
		both("ret %s", c)
	}
	for v := 0; v < 0x40; v += 8 {
		both("rst %02Xh", v)
	}
	for _, rr := range []string{"bc", "de", "hl", "af"} {
		both("push %s", rr)
		both("pop %s", rr)
	}
	for _, n := range imm8 {
		both("in a,(%s)", n)
		both("out (%s),a", n)
	}

	// CB prefix.
	for _, r := range regs {
		for _, op := range rots {
			both("%s %s", op, r)
		}
		undoc("sll %s", r)
		gasOnly("sli %s", r)
		gasOnly("sl1 %s", r)
		for b := 0; b < 8; b++ {
			both("bit %d,%s", b, r)
			both("res %d,%s", b, r)
			both("set %d,%s", b, r)
		}
	}

	// ED prefix.
	for _, r := range []string{"b", "c", "d", "e", "h", "l", "a"} {
		both("in %s,(c)", r)
		both("out (c),%s", r)
	}
	gasOnly("in f,(c)")
	gasOnly("in (c)")
	gasOnly("out (c),0")
	for _, rr := range []string{"bc", "de", "hl", "sp"} {
		both("sbc hl,%s", rr)
		both("adc hl,%s", rr)
		if rr != "hl" { // LD (nn),HL and LD HL,(nn) use the short unprefixed forms
			for _, nn := range imm16 {
				both("ld (%s),%s", nn, rr)
				both("ld %s,(%s)", rr, nn)
			}
		}
	}
	for _, op := range strings.Fields("neg retn reti rrd rld ldi cpi ini outi ldd cpd ind outd ldir cpir inir otir lddr cpdr indr otdr") {
		both("%s", op)
	}
	for m := 0; m < 3; m++ {
		both("im %d", m)
	}
	both("ld i,a")
	both("ld r,a")
	both("ld a,i")
	both("ld a,r")

	// DD and FD prefixes.
	for _, x := range []string{"ix", "iy"} {
		xh, xl := x+"h", x+"l"
		halves := []string{"b", "c", "d", "e", xh, xl, "a"}
		for _, nn := range imm16 {
			both("ld %s,%s", x, nn)
			both("ld (%s),%s", nn, x)
			both("ld %s,(%s)", x, nn)
		}
		both("inc %s", x)
		both("dec %s", x)
		for _, rr := range []string{"bc", "de", x, "sp"} {
			both("add %s,%s", x, rr)
		}
		both("push %s", x)
		both("pop %s", x)
		both("ex (sp),%s", x)
		both("jp (%s)", x)
		both("ld sp,%s", x)
		// z80asm crashes on a bare (IX) operand other than in JP (IX).
		fs = append(fs, form{fmt.Sprintf("ld a,(%s)", x), true, true, false})
		for _, d := range disps {
			m := fmt.Sprintf("(%s%s)", x, d)
			both("inc %s", m)
			both("dec %s", m)
			for _, n := range imm8 {
				both("ld %s,%s", m, n)
			}
			for _, r := range []string{"b", "c", "d", "e", "h", "l", "a"} {
				both("ld %s,%s", r, m)
				both("ld %s,%s", m, r)
			}
			for _, op := range alu {
				both("%s%s", op, m)
			}
			// DD CB prefix.
			for _, op := range rots {
				both("%s %s", op, m)
			}
			undoc("sll %s", m)
			for b := 0; b < 8; b++ {
				both("bit %d,%s", b, m)
				both("res %d,%s", b, m)
				both("set %d,%s", b, m)
			}
		}
		// Undocumented index halves.
		for _, d := range halves {
			for _, s := range halves {
				if strings.HasPrefix(d, x) || strings.HasPrefix(s, x) {
					undoc("ld %s,%s", d, s)
				}
			}
		}
		for _, h := range []string{xh, xl} {
			for _, n := range imm8 {
				undoc("ld %s,%s", h, n)
			}
			undoc("inc %s", h)
			undoc("dec %s", h)
			for _, op := range alu {
				undoc("%s%s", op, h)
			}
		}
		// Undocumented DD CB d op with a register copy of the result.
		for _, d := range []string{"+5", "-80h"} {
			m := fmt.Sprintf("(%s%s)", x, d)
			for _, r := range []string{"b", "c", "d", "e", "h", "l", "a"} {
				for _, op := range append(rots, "sll") {
					gasOnly("%s %s,%s", op, m, r)
				}
				for b := 0; b < 8; b++ {
					gasOnly("res %d,%s,%s", b, m, r)
					gasOnly("set %d,%s,%s", b, m, r)
				}
			}
		}
	}
	return fs
}

// TestFormsCoverEveryOpcode checks that instructionForms, which the oracle
// tests compare, reaches every opcode of every prefix that has a mnemonic.
func TestFormsCoverEveryOpcode(t *testing.T) {
	got := map[string]map[byte]bool{}
	add := func(prefix string, op byte) {
		if got[prefix] == nil {
			got[prefix] = map[byte]bool{}
		}
		got[prefix][op] = true
	}
	for _, f := range instructionForms() {
		p, err := Assemble("f.asm", []byte("\t"+f.text+"\n"), Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.text, err)
		}
		b := p.Bytes
		switch {
		case b[0] == 0xCB || b[0] == 0xED:
			add(fmt.Sprintf("%02X", b[0]), b[1])
		case (b[0] == 0xDD || b[0] == 0xFD) && b[1] == 0xCB:
			add(fmt.Sprintf("%02X CB", b[0]), b[3])
		case b[0] == 0xDD || b[0] == 0xFD:
			add(fmt.Sprintf("%02X", b[0]), b[1])
		default:
			add("", b[0])
		}
	}
	all := func(except ...byte) map[byte]bool {
		m := map[byte]bool{}
		for i := 0; i < 256; i++ {
			m[byte(i)] = true
		}
		for _, e := range except {
			delete(m, e)
		}
		return m
	}
	list := func(s string) map[byte]bool {
		m := map[byte]bool{}
		for _, f := range strings.Fields(s) {
			var v byte
			fmt.Sscanf(f, "%X", &v)
			m[v] = true
		}
		return m
	}
	// ED: 40-7F less the duplicates no assembler emits (NEG, RETN, IM and
	// NOP copies, and the ED forms of LD (nn),HL / LD HL,(nn)), plus the
	// block instructions.
	ed := list("40 41 42 43 44 45 46 47 48 49 4A 4B 4D 4F 50 51 52 53 56 57 58 59 5A 5B 5E 5F " +
		"60 61 62 67 68 69 6A 6F 70 71 72 73 78 79 7A 7B " +
		"A0 A1 A2 A3 A8 A9 AA AB B0 B1 B2 B3 B8 B9 BA BB")
	// DD/FD: the opcodes where the prefix turns HL, H, L or (HL) into IX,
	// IXH, IXL or (IX+d); elsewhere it has no effect and no mnemonic.
	dd := list("09 19 21 22 23 24 25 26 29 2A 2B 2C 2D 2E 34 35 36 39 " +
		"44 45 46 4C 4D 4E 54 55 56 5C 5D 5E 60 61 62 63 64 65 66 67 68 69 6A 6B 6C 6D 6E 6F " +
		"70 71 72 73 74 75 77 7C 7D 7E 84 85 86 8C 8D 8E 94 95 96 9C 9D 9E " +
		"A4 A5 A6 AC AD AE B4 B5 B6 BC BD BE E1 E3 E5 E9 F9")
	// DD CB: everything but the BIT copies (40-7F other than x6/xE), which
	// behave as BIT n,(IX+d) and have no mnemonic of their own.
	ddcb := all()
	for op := 0x40; op < 0x80; op++ {
		if op&7 != 6 {
			delete(ddcb, byte(op))
		}
	}
	want := map[string]map[byte]bool{
		"": all(0xCB, 0xDD, 0xED, 0xFD), "CB": all(), "ED": ed,
		"DD": dd, "FD": dd, "DD CB": ddcb, "FD CB": ddcb,
	}
	for prefix, w := range want {
		var missing, extra []string
		for op := range w {
			if !got[prefix][op] {
				missing = append(missing, fmt.Sprintf("%02X", op))
			}
		}
		for op := range got[prefix] {
			if !w[op] {
				extra = append(extra, fmt.Sprintf("%02X", op))
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing) > 0 || len(extra) > 0 {
			t.Errorf("prefix %q: forms miss opcodes %v, produce unexpected %v", prefix, missing, extra)
		}
	}
}
