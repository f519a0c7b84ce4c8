package codegen

import (
	"fmt"
	"strings"

	"z80lm/lm"
)

// compactKernel is acc += x[i] * (column i of W) for every input i listed
// at HL (page aligned, B entries, 0 = 256; every listed x[i] non-zero),
// with the weights 2-bit packed column-major: pk_len bytes a column, four
// rows a byte, the first in bits 7-6 (00 0, 01 +1, 11 -1, 10 -2). As small
// as row-major packing, but only the columns of non-zero inputs are read.
// The caller sets pk_xp and pk_ap (pages of x and acc), pk_cols (column
// 0) and pk_len. Per weight: 26 T when zero, about 85 T otherwise.
func compactKernel() string {
	var b strings.Builder
	w := func(label, ins, comment string) {
		if label != "" {
			label += ":"
		}
		if comment != "" {
			fmt.Fprintf(&b, "%-8s%-24s; %s\n", label, ins, comment)
		} else {
			fmt.Fprintf(&b, "%-8s%s\n", label, ins)
		}
	}
	add16 := func(op, opc string) {
		w("", "ld a,(hl)", "")
		w("", op+"c", "")
		w("", "ld (hl),a", "")
		w("", "inc h", "")
		w("", "ld a,(hl)", "")
		w("", opc+"b", "")
		w("", "ld (hl),a", "")
		w("", "dec h", "")
	}
	// handlers of row j of a byte: +x, and -x (twice for -2); A' keeps
	// the remaining weights of the byte.
	handlers := func(j int) {
		w(fmt.Sprintf("pk_p%d", j), "ex af,af'", "+1: acc += x")
		add16("add a,", "adc a,")
		w("", "ex af,af'", "")
		w("", fmt.Sprintf("jp pk_x%d", j), "")
		w(fmt.Sprintf("pk_n%d", j), "add a,a", "carry: -1, else -2")
		w("", "ex af,af'", "")
		add16("sub ", "sbc a,")
		w("", "ex af,af'", "")
		w("", fmt.Sprintf("jp c,pk_x%d", j), "")
		w("", "ex af,af'", "")
		add16("sub ", "sbc a,")
		w("", "ex af,af'", "")
		w("", fmt.Sprintf("jp pk_x%d", j), "")
	}
	b.WriteString(`; compact: acc += x[i] * (column i of W) for every input i listed at HL
; (page aligned, B entries, 0 = 256; every listed x[i] is non-zero). The
; weights are 2-bit packed column-major: pk_len bytes a column, four rows a
; byte, the first in bits 7-6 (00 0, 01 +1, 11 -1, 10 -2). The caller sets
; pk_xp, pk_ap (pages of x and acc), pk_cols (column 0) and pk_len.
compact:
pk_col: ld a,(hl)               ; A = input index i
        inc l
        push hl
        push bc                 ; the list and its count
        ld l,a
        ld a,(pk_xp)
        ld h,a
        ld c,(hl)
        inc h
        ld b,(hl)
        push bc                 ; x[i]
        ld e,l
        ld d,0
        ld a,(pk_len)
        ld hl,0
        ld b,8
pk_mul: add hl,hl               ; HL = i * pk_len
        rla
        jr nc,pk_m0
        add hl,de
pk_m0:  djnz pk_mul
        ld de,(pk_cols)
        add hl,de
        ex de,hl                ; DE -> column i
        ld a,(pk_len)
        add a,e
        ld (pk_end+1),a         ; the column ends when E gets there
        pop bc                  ; BC = x[i]
        ld a,(pk_ap)
        ld h,a
        ld l,0                  ; HL -> acc[0]
        call pk_walk
        pop bc
        pop hl
        djnz pk_col
        ret
`)
	handlers(1)
	handlers(0)
	w("pk_walk", "", "")
	w("pk_byte", "ld a,(de)", " 7 four rows' weights")
	w("", "inc de", " 6")
	for j := 0; j < 4; j++ {
		w(fmt.Sprintf("pk_r%d", j), "add a,a", " 4")
		w("", fmt.Sprintf("jr c,pk_n%d", j), " 7 negative")
		w("", "add a,a", " 4")
		w("", fmt.Sprintf("jr c,pk_p%d", j), " 7 +1")
		w(fmt.Sprintf("pk_x%d", j), "inc l", " 4 next row")
	}
	w("", "ld a,e", " 4")
	w("pk_end", "cp 0", " 7 (patched) end of the column?")
	w("", "jr nz,pk_byte", "12")
	w("", "ret", "")
	handlers(2)
	handlers(3)
	b.WriteString("\n")
	return b.String()
}

// packCols packs W column-major, four rows a byte, the first row in bits
// 7-6, each column padded to a whole byte with zero weights.
func packCols(l *lm.Layer) []byte {
	stride := (l.Out + 3) / 4
	p := make([]byte, l.In*stride)
	for i := 0; i < l.In; i++ {
		for o := 0; o < l.Out; o++ {
			p[i*stride+o/4] |= byte(l.W[o*l.In+i]&3) << (6 - 2*(o%4))
		}
	}
	return p
}

func compactSize(l *lm.Layer) int { return l.In * ((l.Out + 3) / 4) }
