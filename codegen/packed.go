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
// 0) and pk_len. Per weight: 26 T when zero, about 70 T otherwise when
// x < 256 (8-bit adds with a carry fix-up), 85 T else.
func compactKernel() string {
	var b strings.Builder
	w := func(label, ins, comment string) { asmLine(&b, label, ins, comment) }
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
        ld (pb_end+1),a
        pop bc                  ; BC = x[i]
        ld a,(pk_ap)
        ld h,a
        ld l,0                  ; HL -> acc[0]
        ld a,b
        or a
        call z,pb_walk          ; x < 256: 8-bit adds, carries fixed up
        call nz,pk_walk
        pop bc
        pop hl
        djnz pk_col
        ret
`)
	// walk writes the row loop with prefix p; op16 adds (+1) or subtracts
	// (-1) x at HL: 16-bit, or for x < 256 the low byte and a fix-up of
	// the high byte on a carry.
	walk := func(p string, narrow bool) {
		op := func(add bool) {
			a, c, fix := "add a,c", "adc a,b", "inc (hl)"
			if !add {
				a, c, fix = "sub c", "sbc a,b", "dec (hl)"
			}
			w("", "ld a,(hl)", "")
			w("", a, "")
			w("", "ld (hl),a", "")
			if narrow {
				w("", "jr nc,$+5", "no carry into the high byte")
				w("", "inc h", "")
				w("", fix, "")
				w("", "dec h", "")
				return
			}
			w("", "inc h", "")
			w("", "ld a,(hl)", "")
			w("", c, "")
			w("", "ld (hl),a", "")
			w("", "dec h", "")
		}
		// handlers of row j of a byte; A' keeps the byte's other weights.
		handlers := func(j int) {
			w(fmt.Sprintf("%s_p%d", p, j), "ex af,af'", "+1: acc += x")
			op(true)
			w("", "ex af,af'", "")
			w("", fmt.Sprintf("jp %s_x%d", p, j), "")
			w(fmt.Sprintf("%s_n%d", p, j), "add a,a", "carry: -1, else -2")
			w("", "ex af,af'", "")
			op(false)
			w("", "ex af,af'", "")
			w("", fmt.Sprintf("jp c,%s_x%d", p, j), "")
			w("", "ex af,af'", "")
			op(false)
			w("", "ex af,af'", "")
			w("", fmt.Sprintf("jp %s_x%d", p, j), "")
		}
		handlers(1)
		handlers(0)
		w(p+"_walk", "", "")
		w(p+"_byte", "ld a,(de)", " 7 four rows' weights")
		w("", "inc de", " 6")
		for j := 0; j < 4; j++ {
			w("", "add a,a", " 4")
			w("", fmt.Sprintf("jr c,%s_n%d", p, j), " 7 negative")
			w("", "add a,a", " 4")
			w("", fmt.Sprintf("jr c,%s_p%d", p, j), " 7 +1")
			w(fmt.Sprintf("%s_x%d", p, j), "inc l", " 4 next row")
		}
		w("", "ld a,e", " 4")
		w(p+"_end", "cp 0", " 7 (patched) end of the column?")
		w("", "jr nz,"+p+"_byte", "12")
		w("", "ret", "Z: the CALL NZ after CALL Z,pb_walk is skipped")
		handlers(2)
		handlers(3)
	}
	walk("pk", false)
	walk("pb", true)
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
