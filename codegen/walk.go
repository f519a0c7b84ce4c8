package codegen

import (
	"fmt"
	"strings"
)

// The SP-walking kernels. A column's rows are walked with SP: one POP
// fetches two rows in 10 T. Interrupts are off meanwhile (di_save and
// sc_leave in kernels.asm), and there is no CALL or PUSH until SP is back.
// The finaliser or the list of inputs that drives the walk keeps its
// registers in the other set (EXX).

// jpWalk is the jump from a fused finaliser into the column walk (fuse);
// the routine placed just before the walk leaves it out (leadFuse).
const jpWalk = "        jp sc_ap2               ; 10 the walk, which ends at p_r (sc_mode)\n"

// asmLine writes one line of assembly: label (without its colon, or ""),
// instruction and comment (or "") in the columns the generated code uses.
func asmLine(b *strings.Builder, label, ins, comment string) {
	if label != "" {
		label += ":"
	}
	if comment != "" {
		fmt.Fprintf(b, "%-8s%-24s; %s\n", label, ins, comment)
	} else {
		fmt.Fprintf(b, "%-8s%s\n", label, ins)
	}
}

// rowWalk returns the code that applies op to a list of rows (H = the
// table's page), four rows a turn. The caller has popped the list's
// header and first row into DE: E = the header (see header: the number of
// groups of four rows, the first one partial unless n is a multiple of
// four, in bits 5-0, n mod 4 in bits 7-6), D = the first row, SP -> the
// byte after it. The rest n mod 4 picks the way in, with the flags of one
// XOR (parity odd for one and two, sign for two and three): an odd n
// enters the loop with its first row in D, an even n steps SP back; op
// works on the row in L. Lists are never empty (see column). A non-empty
// fix names the flag condition on which op's result needs fixing up out
// of line with fix (an instruction on (HL) of the high page): the carry or
// borrow of a 16-bit add. The exits, labelled p_x1, p_x2... (exits of
// them), jump to p_done, where the code ends; but if next is not empty,
// the main loop goes on with it instead of its exit.
func rowWalk(p string, op []string, cond, fix, next string) (code string, exits int) {
	var b strings.Builder
	exit := 0
	jpDone := func() {
		exit++
		fmt.Fprintf(&b, "%-8s%-24s; (ap, ng: patched by sc_mode)\n", fmt.Sprintf("%s_x%d:", p, exit), "jp "+p+"_done")
	}
	w := func(label, ins, comment string) { asmLine(&b, label, ins, comment) }
	// rows writes rows from..3 of a group of four and the loop's end. The
	// main copy is labelled and uses short jumps; each fix-up is followed
	// by its own copy of the rest of the group, so that a carry costs no
	// jump back (24 T instead of 34), and so is the way in for n mod 4 = 2.
	// A far copy closes the loop with DEC B and JP NZ, beyond DJNZ's reach.
	rows := func(from int, main, far bool) {
		for i := from; i < 4; i++ {
			label := ""
			if main {
				label = fmt.Sprintf("%s_r%d", p, i)
				if i == 0 {
					label = p + "_lp"
				}
			}
			reg := "d"
			if i%2 == 0 {
				w(label, "pop de", "10 two rows")
				label, reg = "", "e"
			}
			w(label, "ld l,"+reg, " 4")
			for _, o := range op {
				w("", o, "")
			}
			if fix != "" {
				w("", fmt.Sprintf("jr %s,%s_f%d", cond, p, i+1), " 7")
			}
		}
		if far {
			w("", "dec b", " 4")
			w("", "jp nz,"+p+"_lp", "10 (beyond the reach of DJNZ)")
		} else {
			w("", "djnz "+p+"_lp", "13")
		}
		if main && next != "" {
			b.WriteString(next)
		} else {
			jpDone()
		}
	}
	b.WriteString(listEntry(p))
	rows(0, true, false)
	if fix != "" {
		for i := 1; i <= 4; i++ {
			w(fmt.Sprintf("%s_f%d", p, i), "inc h", "")
			w("", fix, "")
			w("", "dec h", "")
			rows(i, false, false)
		}
	}
	w(p+"_p12", "jp p,"+p+"_r3", "10 one: D holds it")
	w("", "dec sp", " 6 two: back to the first row")
	rows(2, false, next != "") // next lengthens the main copy before it
	w(p+"_done", "", "")
	return b.String(), exit
}

// listEntry is the way into rowWalk's loop (labels prefixed p) for a list
// whose header is in E: it ends stepping SP back for a multiple of four
// rows, which start at p_lp.
func listEntry(p string) string {
	var b strings.Builder
	w := func(ins, comment string) { asmLine(&b, "", ins, comment) }
	w("ld a,e", " 4 E = the list's header (see header)")
	w("and 3Fh", " 7")
	w("ld b,a", " 4 B = groups of four rows")
	w("xor e", " 4 A = n mod 4 in bits 7-6")
	w("jp po,"+p+"_p12", "10 one or two")
	w("jp m,"+p+"_r1", "10 three: D holds the first")
	w("dec sp", " 6 none: back to the first row")
	return b.String()
}

// minusEntry is next for rowWalk: on with the -1 list of a walk whose
// labels are prefixed p, whose header and first row the POP fetches.
func minusEntry(label, p string) string {
	return fmt.Sprintf("%-8s%-24s; E = n_minus, D = its first row\n", label, "pop de") + listEntry(p) + "        jp " + p + "_lp\n"
}

// headerRows is the code that turns a list's header in A into its
// number of rows n in A (see header), labels prefixed p; it goes on at
// p_n. rowsN is it as a subroutine.
func headerRows(p string) string {
	return strings.ReplaceAll(`        rlca
        rlca                    ; A = 4 * groups + n mod 4 (see header)
        bit 0,a
        jr nz,P_p               ; the first group is partial:
        bit 1,a
        jr z,P_n
P_p:    sub 4                   ; n is 4 less
P_n:
`, "P_", p+"_")
}

var rowsN = "; rows_n: A = the rows of the list whose header is in A (see header).\nrows_n:\n" + headerRows("rn") + "        ret\n\n"

// w16List is one list of w16, labels prefixed p: E = its header (see
// header), SP -> the byte after it; lo and hi are the
// operations on a row's low and high byte. It goes on at end, with SP past
// the list unless it is the column's last (where SP no longer matters).
func w16List(p, lo, hi, end string, last bool) string {
	row := fmt.Sprintf(`        ld a,(hl)               ;  7
        %-24s;  4
        ld (hl),a               ;  7
        inc h                   ;  4
        ld a,(hl)               ;  7
        %-24s;  8
        ld (hl),a               ;  7
        dec h                   ;  4
`, lo, hi)
	odd, tail := "P_odd", "        jr END\nP_odd:  dec sp\n"
	if last {
		odd, tail = "END", ""
	}
	return strings.ReplaceAll(strings.ReplaceAll(`        dec sp                  ; SP -> the first row
        ld a,e
`+headerRows("P_h")+`        ld b,a
P_lp:   pop de
        ld l,e
`+row+`        dec b
        jr z,`+odd+`              ; an odd number: the POP took one too many
        ld l,d
`+row+`        djnz P_lp
`+tail, "END", end), "P_", p+"_")
}

// addRow adds C to the low byte of a row, subRow subtracts it; the carry
// or borrow goes to the high byte.
var (
	addRow = []string{"ld a,(hl)               ;  7", "add a,c                 ;  4", "ld (hl),a               ;  7"}
	subRow = []string{"ld a,(hl)               ;  7", "sub c                   ;  4", "ld (hl),a               ;  7"}
)

// walkKernel is the column walk that both scatter and the fused
// finalisers (see fuse) use: acc += x * (column i of W) for 0 < x < 256.
// It is entered at sc_ap2 with C = x, SP -> column i just past its first
// word, E = n_plus, D = its first row and H = the accumulator's page
// (scatter enters at sc_ap, which sets H from its patched operand).
// Column i: n_plus, the rows of its +1 weights, n_minus, the rows of its
// -1 weights (a -2 weight is listed twice; see column), or for a layer
// with one list a column (see columnOne) only the first list; the n are
// headers (see header). Where it goes when done is set by sc_mode (and
// nextList) before each use. Per row about 37 T, and 24 T more when the
// low byte carries (+1) or borrows (-1). w16 does the same for x >= 256.
func walkKernel() string {
	// The +1 rows' main loop goes straight on with the -1 list (ap_nx);
	// for a layer with one list a column, nextList makes that a jump.
	apLoop, apExits := rowWalk("ap", addRow, "c", "inc (hl)", minusEntry("ap_nx:", "ng"))
	ngLoop, ngExits := rowWalk("ng", subRow, "c", "dec (hl)", "")
	return `; the column walk: +x for the rows of the +1 list, then -x for those of
; the -1 list; entered with C = x, E = n_plus, D = the first row, H = the
; accumulator's low page (sc_ap sets it).
sc_ap2:
` + apLoop + `        pop de                  ; E = n_minus, D = its first row
` + ngLoop + `        ; (never reached: sc_mode sets every exit before each use)

sc_ap:  ld h,0                  ;  7 (patched) accumulator low page
        jp sc_ap2

; w16: the column walk for x >= 256 (C = x's low byte, IXH = its high
; byte), entered like sc_ap2: 16-bit adds, two rows a POP, about 69 T a
; row. After the +1 rows it goes where sc_mode set w16_m: on to the -1
; rows (w16_n), or, for a layer with one list a column, to the column's end.
w16:
` + w16List("w16a", "add a,c", "adc a,ixh", "w16_m", false) + `w16_m:  jp w16_n                ; (patched by sc_mode)
w16_n:  pop de                  ; E = n_minus
` + w16List("w16s", "sub c", "sbc a,ixh", "w16_x", true) + `w16_x:  jp 0                    ; (patched by sc_mode) the column's end

` + scMode(apExits, ngExits)
}

// listScatter is scatter, the column walk driven by a list of inputs:
// acc += x[i] * (column i of W) for every input i listed at HL (page
// aligned, B entries, 0 = 256; every listed x[i] is non-zero). The caller
// patches the pages (sc_pp the column pointer table, sc_xp x, sc_ap the
// accumulator) and calls sc_mode with sc_next as where a column ends. Each
// column jumps into walkKernel: at sc_ap, or at w16 for x >= 256.
const listScatter = `; scatter: acc += x[i] * (column i of W) for every input i listed at HL
; (page aligned, B entries, 0 = 256; every listed x[i] is non-zero).
; Rows are walked with SP (see walk.go).
scatter:
        push bc
        push hl
        exx
        pop hl                  ; HL' -> inputs
        pop bc                  ; B' = how many
        call di_save
        ld (sc_sp),sp
sc_col: ld a,(hl)               ;  7 A = input index i
        inc l                   ;  4
        exx                     ;  4
        ld l,a                  ;  4
sc_pp:  ld h,0                  ;  7 (patched) column pointer table
        ld e,(hl)               ;  7
        inc h                   ;  4
        ld d,(hl)               ;  7 DE -> column i
sc_xp:  ld h,0                  ;  7 (patched) x
        ld c,(hl)               ;  7
        inc h                   ;  4
        ld a,(hl)               ;  7 C = low byte, A = high byte of x
        ex de,hl                ;  4 HL -> column i
        or a                    ;  4
        jp nz,sc_wide           ; 10
        ld sp,hl                ;  6 0 < x < 256
        pop de                  ; 10 E = n_plus, D = its first row
        jp sc_ap                ; 10 the walk ends at sc_next (sc_mode)
sc_wide:                        ; x >= 256: the 16-bit walk
        ld ixh,a                ;  8 IXH = x's high byte, C its low byte
        ld sp,hl                ;  6
        pop de                  ; 10 E = n_plus, D = its first row
        ld a,(sc_ap+1)
        ld h,a                  ; 13 the accumulator's page
        jp w16                  ; 10 it ends at sc_next too (sc_mode)
sc_next:
        exx
        dec b                   ; B' = inputs to go
        jp nz,sc_col
        jp sc_leave

`

// fuse is the end of a fused finaliser's path for a positive output: the
// output (L) times its column of the next layer is added to the next
// layer's accumulator with the column walk, so that no list of non-zero
// outputs is written and read back, and the output itself is not stored.
// inline starts at p_pp with A = x (0 < x < 256) and enters the walk; wide
// starts at p_wx with IXH = x's high byte and A its low byte (x >= 256)
// and enters w16 (the tests hook at both, L = the output). The walks run
// on the other register set, whose H the caller sets to the accumulator's
// page before the finaliser starts, and come back to p_r (sc_mode), which
// the caller places: EXX, then whatever else the finaliser needs set again
// (it keeps B, H and L). wide goes after the finaliser. The next layer's
// column pointer table is at the page in register ptr, or, if ptr is "",
// at the page the caller patches into p_pp and p_wp. With sentinelWide,
// the sentinel unit takes the wide path (see sentinelBias), and p_wx ends
// the finaliser when L = 0 (see finFuse).
func fuse(p, ptr string, sentinelWide bool) (inline, wide string) {
	// enter points SP at this output's column, x (or its low byte) in A,
	// and enters a walk with C = that, E = n_plus, D = its first row.
	enter := func(label string) string {
		h := "ld h,0                  ;  7 (patched)"
		if ptr != "" {
			h = fmt.Sprintf("%-24s;  4", "ld h,"+ptr)
		}
		return `        ld d,h                  ;  4
        ld e,l                  ;  4 DE = this output
` + label + `:   ` + h + ` the next layer's column pointers
        ld c,(hl)               ;  7
        inc h                   ;  4
        ld h,(hl)               ;  7
        ld l,c                  ;  4
        ld sp,hl                ;  6 SP -> this output's column
        ex de,hl                ;  4 HL = this output again
        exx                     ;  4 the walk's registers
        ld c,a                  ;  4
        pop de                  ; 10 E = n_plus, D = its first row
`
	}
	inline = enter("P_pp") + jpWalk
	end := ""
	if sentinelWide {
		end = "        inc l\n        dec l\n        jp z,sc_leave           ; the sentinel (see finFuse)\n"
	}
	wide = "P_wx:\n" + end + enter("P_wp") + "        jp w16                  ; it ends at P_r, as the walk does\n\n"
	return strings.ReplaceAll(inline, "P_", p+"_"), strings.ReplaceAll(wide, "P_", p+"_")
}

// fuseSum is fuse for layer 1's finalisers, whose sum AC (A the high
// byte) is known to be >= 0: zero goes to p_z, x >= 256 to the wide path
// (IXH = the high byte). inline ends with p_r: EXX, then restore.
func fuseSum(p, restore string) (inline, wide string) {
	in, w := fuse(p, "", false)
	test := `        or a                    ;  4
        jp nz,P_w               ; 10 x >= 256: the 16-bit path
        or c                    ;  4 A = x
        jr z,P_z                ;  7 zero: nothing to add
`
	hi := `P_w:                            ; x >= 256: the 16-bit walk
        ld ixh,a                ;  8 IXH = x's high byte
        ld a,c                  ;  4 A = its low byte
`
	return strings.ReplaceAll(test, "P_", p+"_") + in + p + "_r:    exx                     ;  4\n" + restore,
		strings.ReplaceAll(hi, "P_", p+"_") + w
}

// xCode is xadd, which the encoders call for each n-gram, and xclear,
// which empties x again. x[i] is 32 times input i's count, as lm.Input has
// it; but with qCounts (layer 1 counts both halves) it is the count itself,
// in its low byte (at most 60 query trigrams): no kernel reads x then but
// cscatter, which wants the count.
func xCode(qCounts bool) string {
	test, add, clear := `        inc h
        ld a,(hl)               ; high byte
        dec h
        or (hl)
`, `xa_old: ld a,(hl)
        add a,32
        ld (hl),a
        ret nc
        inc h
        inc (hl)
        ret
`, `        ld (hl),0
        inc h
        ld (hl),0
`
	if qCounts {
		test, add, clear = "        ld a,(hl)\n        or a\n", "xa_old: inc (hl)\n        ret\n", "        ld (hl),0\n"
	}
	return `; xadd: one more of input A in x (see xCode), listing A in the list whose
; next free slot IX points to when it had none. Destroys A, HL.
xadd:   ld l,a
        ld h,xpage
` + test + `        jr nz,xa_old
        ld (ix+0),l             ; first occurrence: list it
        inc ix
` + add + `
; xclear: zero the x entries named by a list and empty the list.
; in: HL -> the list's count word, D = the list's page (encoder lists
; hold fewer than 256 entries, so the count's low byte is the count)
xclear: ld b,(hl)               ; B = count
        xor a
        ld (hl),a
        inc hl
        ld (hl),a               ; empty now
        or b
        ret z
        ld e,0                  ; DE -> the entries
xc_lp:  ld a,(de)               ; A = index into x
        ld l,a
        ld h,xpage
` + clear + `        inc e
        djnz xc_lp
        ret

`
}

// ctxKernel counts layer 1's context half: cnt[row] += count * W[row,i]
// for the context inputs i listed at HL (B of them), where x[i] = 32 *
// count, or, with qCounts, x[i] = count (see xCode). The counts are
// bytes (|cnt| <= 2*21) and INC (HL) needs no carry, so a row costs about
// 23 T instead of 37+; fin_ctx folds 32*cnt into the query half. Before it
// runs, cx_page fills cnt with the precomputed counts of the n-grams that
// lie wholly in the padding (mk_spc). The table at page m32 holds c << f
// for a signed byte c (f = 5: 32*c for fin_ctx; 5-s for fin_ctxq, see
// finCtxQ); without qCounts it adds fin_ctx's reject table in page m32+2.
func ctxKernel(f int, qCounts bool) string {
	table, count := rejectTable, `        ld a,(hl)               ; count = x/32 = high*8 + low/32
        rlca
        rlca
        rlca
        and 7
        ld c,a
        inc h
        ld a,(hl)
        add a,a
        add a,a
        add a,a
        add a,c
        ld c,a                  ; C = count: walk the column C times
`
	if qCounts {
		table, count = "", "        ld c,(hl)               ; C = count: walk the column C times\n"
	}
	var lo, hi strings.Builder
	for range f {
		lo.WriteString("        rlca\n")
	}
	fmt.Fprintf(&lo, "        and %03Xh                ; low byte: c << %d\n", 0xFF<<f&0xFF, f)
	for range 8 - f {
		hi.WriteString("        sra a\n")
	}
	ciLoop, _ := rowWalk("ci", []string{"inc (hl)                ; 11"}, "", "", minusEntry("", "cd"))
	cdLoop, _ := rowWalk("cd", []string{"dec (hl)                ; 11"}, "", "", "")
	return `; cscatter: cnt[row] += count * W[row,i] for the context inputs listed
; at HL (page aligned, B of them, B >= 1).
cscatter:
        push bc
        push hl
        exx
        pop hl                  ; HL' -> inputs
        pop bc                  ; B' = how many
        call di_save
        ld (sc_sp),sp
cs_col: ld a,(hl)               ; A = input index i
        inc l
        exx
        ld l,a
        ld h,ptr1
        ld e,(hl)
        inc h
        ld d,(hl)               ; DE -> column i
        ld h,xpage
` + count + `        ex de,hl
        ld (cs_colp),hl         ; (for a count above one)
cs_go:  ld sp,hl
        pop de                  ; E = n_plus, D = its first row
cs_pg:  ld h,0                  ; (patched) the count page
` + ciLoop + `        pop de                  ; E = n_minus, D = its first row
` + cdLoop + `cs_end: dec c
        jp nz,cs_rep
        exx
        dec b
        jp nz,cs_col
        jp sc_leave
cs_rep: ld hl,(cs_colp)         ; the same column again
        jp cs_go

; mk_m32: the table of c << f for a signed byte c: low bytes in page m32,
; high bytes in the next (the high byte: c >> 8-f, arithmetic); for fin_ctx,
; its reject table in the page after. Also the count page of step 8 on (no
; all-space n-grams) starts at zero.
mk_m32: ld hl,m32*256
mk_lp:  ld a,l
` + lo.String() + `        ld (hl),a
        ld a,l
` + hi.String() + `        inc h
        ld (hl),a
        dec h
        inc l
        jr nz,mk_lp
` + table + `        ld hl,spc*256+2048
        xor a
mk_z:   ld (hl),a
        inc l
        jr nz,mk_z
        ret

; mk_spc: the context counts of the all-space n-grams. Page spc+t holds
; those of the n-grams wholly in the left padding after t reply characters
; (i+n <= 8-t); cx_page copies it to a cache page before counting the
; others.
; Built from t = 7 down: page t is page t+1 plus the n-grams with
; i+n = 8-t, listed in sgrams (per level, the count, then the inputs).
mk_spc: ld hl,sgrams
        ld a,spc+7
ms_lp:  ld (cs_pg+1),a          ; count into page A
        push hl
        ld h,a
        inc h
        ld l,0
        ld d,a
        ld e,l
        ld bc,256
        call ldir16             ; page A = page A+1
        pop hl
        ld b,(hl)               ; B = n-grams at this level
        inc hl
        ld ix,clist*256
ms_g:   ld a,(hl)
        inc hl
        push hl
        call xadd               ; one more of input A, listed in clist
        pop hl
        djnz ms_g
        push hl
        ld hl,ccount
        call listlen
        ld a,(ccount)
        ld b,a
        ld hl,clist*256
        call cscatter
        ld hl,ccount
        ld d,clist
        call xclear             ; x and clist empty again
        pop hl
        ld a,(cs_pg+1)
        dec a
        cp spc-1
        jr nz,ms_lp
        ret

`
}

// rejectTable is the part of mk_m32 that builds page m32+2 for fin_ctx.
const rejectTable = `; Page m32+2: t(h) for each high byte h of qacc, such that cnt + t < 0
; (no overflow: -42 <= cnt <= 21, |t| <= 64) proves qacc + 32*cnt < 0
; without wrapping: -6 <= h <= 6: t = 8h+7 (then qacc + 32*cnt <=
; 256h+255 + 32(-8h-8) = -1); -122 <= h <= -7: t = -64 (always, as
; 256h+255 + 32*21 < 0 and 256h - 32*42 > -32768); else t = 64 (never).
        inc h
        inc h
mr_lp:  ld a,l
        add a,6
        cp 13
        jr nc,mr_far
        ld a,l
        add a,a
        add a,a
        add a,a
        add a,7                 ; -6 <= h <= 6: 8h+7
        jr mr_st
mr_far: ld a,l
        cp 86h                  ; h = -122
        ld a,64                 ; never: h >= 7, or h <= -123 (the sum might wrap)
        jr c,mr_st
        ld a,0C0h               ; always: -122 <= h <= -7
mr_st:  ld (hl),a
        inc l
        jr nz,mr_lp
`

// finCtx is layer 1's finaliser with the context counts: out[o] =
// max((qacc[o] + 32*cnt[o]) >> s, 0) into acc1. B = outputs (0 = 256).
// Only the positive outputs are stored (the next layer reads no others;
// the fused variant stores none).
// Most outputs are negative, and most of those are seen to be from qacc's
// high byte and cnt alone (page m32+2, see mk_m32): 52.5 T each; the others
// cost 124.5 T when negative (two outputs a turn). fused selects fin_ctxf,
// which adds each positive output's column of layer 2 (see fuse) instead
// of listing the non-zero outputs at IX (fin_ctx).
func finCtx(s uint, fused bool) string {
	var sh strings.Builder
	for range s {
		sh.WriteString("        srl a                   ;  8 positive: a logical shift is the floor\n        rr c                    ;  8\n")
	}
	entry := func(p, tail string) string {
		return strings.ReplaceAll(`        ld h,qacc+1             ;  7 (pages: qacc low and high, acc1 low
        ld e,(hl)               ;  7  and high in a row)
        ld a,(de)               ;  7 A = t(qacc's high byte)
P_cp:   ld h,0                  ;  7 (patched) the step's context counts
        add a,(hl)              ;  7 + cnt[o]
        jp m,P_n                ; 10 negative: so is acc, out[o] is 0
        ld e,(hl)               ;  7 E = cnt[o]
        dec d
        dec d                   ;  8 m32
        ld h,qacc               ;  7
        ld a,(de)               ;  7 low byte of 32*cnt
        add a,(hl)              ;  7 + the query half's
        ld c,a                  ;  4
        inc d                   ;  4
        inc h                   ;  4
        ld a,(de)               ;  7 high byte of 32*cnt
        adc a,(hl)              ;  7 AC = acc
        inc d                   ;  4 m32+2
        or a                    ;  4
        jp m,P_n                ; 10 negative: out[o] is 0
`+sh.String()+tail+`P_z:
P_n:    inc l                   ;  4
`, "P_", p+"_")
	}
	if fused {
		return fusedCtx("fin_ctxf", "fcf", "m32+2", s <= 8, entry)
	}
	list := `        inc h                   ;  4 acc1
        ld (hl),c
        inc h
        ld (hl),a
        or c
        jr z,P_n
        ld (ix+0),l             ; non-zero: list it
        inc ix
`
	return `; fin_ctx: two outputs a turn, B = pairs (fin_ctx_o for an odd number of
; outputs: B = (outputs+1)/2).
fin_ctx_o:
        ld l,0
        ld d,m32+2
        jr fc_h2
fin_ctx:
        ld l,0
        ld d,m32+2
fc_lp:
` + entry("fc1", list) + "fc_h2:\n" + entry("fc2", list) + loopEnd("fc_lp", s <= 4) + `        ret

`
}

// finCtxQ is fin_ctx when layer 1 counts its query half too (see
// qCounts), for n outputs: out[o] = max((b[o] + 32*k) >> s, 0) with k =
// cnt[o] + qcnt[o] (|k| <= 162: 60 query trigrams and 21 context n-grams,
// weights -2..1; an 8-bit sum below -128 overflows, and is negative; none
// can overflow above 127). As |b| < 32, k < 0 means a negative sum: 42 T
// with 256 outputs, where L wrapping to 0 ends the loop. k = 0 gives
// b >> s (p_k0). Otherwise, as s <= 5, the sum shifted is (k << 5-s) +
// (b >> s) >= 0: the m32 table (built with f = 5-s) plus page b1p (b >> s,
// low and high bytes), no shifts.
// Pages qcnt, b1p (two) and acc1 (two) in a row; the context counts are in
// the page patched at p_cp (and, fused, p_cq; see cache.go). The fused
// variant (fin_ctxqf) adds each positive output's column of layer 2 (see
// fuse) instead of listing the non-zero outputs at IX (fin_ctxq).
func finCtxQ(fused bool, n int) string {
	tail := `        inc h                   ;  4 acc1
        ld (hl),c
        inc h
        ld (hl),a
        or c
        jr z,P_z
        ld (ix+0),l             ; non-zero: list it
        inc ix
`
	name, p, wide := "fin_ctxq", "fq", ""
	if fused {
		name, p = "fin_ctxqf", "fqf"
		tail, wide = fuseSum(p, `P_cq:   ld d,0                  ; (patched) the step's context counts
        ld e,l
`)
	}
	end := "        jp nz,P_lp              ; 10 L wraps to 0 after the last output\n"
	if n < 256 {
		end = fmt.Sprintf("        ld a,l\n        cp %d\n        jp nz,P_lp\n", n)
	}
	leave := "        ret\n"
	if fused {
		leave = "        jp sc_leave\n"
	}
	code := `; NAME: one output a turn, L = o; DE -> the context counts (D patched
; at P_cp), HL -> qcnt, B = m32 (BC addresses the table with C = k).
NAME:
`
	if fused {
		code += "        call di_save\n        ld (sc_sp),sp\n"
	}
	code += `        ld l,0
        ld e,l
        ld h,qcnt
        ld b,m32
P_cp:   ld d,0                  ; (patched) the step's context counts
        jr P_lp
P_k0:   inc h                   ;  4 k = 0: out[o] = b >> s, |b >> s| < 32
        ld a,(hl)               ;  7
        dec h                   ;  4
        or a                    ;  4
        jp m,P_n                ; 10
        jp z,P_n                ; 10
        ld c,a                  ;  4 C = out[o]
        inc h
        inc h                   ;  8 (as after the sum below)
        xor a                   ;  4 A = its high byte
        jp P_t
P_lp:   ld a,(de)               ;  7 cnt[o]
        add a,(hl)              ;  7 k = cnt[o] + qcnt[o] (k <= 81)
        jp m,P_n                ; 10 negative: out[o] is 0
        jp pe,P_n               ; 10 below -128: wrapped to a positive byte
        jr z,P_k0               ;  7
        ld c,a                  ;  4
        ld a,(bc)               ;  7 low byte of k << 5-s
        inc h                   ;  4
        add a,(hl)              ;  7 + b >> s
        ld e,a                  ;  4
        inc b                   ;  4
        ld a,(bc)               ;  7 high bytes
        dec b                   ;  4
        inc h                   ;  4
        adc a,(hl)              ;  7
        ld c,e                  ;  4 AC = out[o]
        ld e,l                  ;  4 (k >= 1: out[o] >= 0 as |b >> s| <= 32 >> s)
P_t:
` + tail + `P_z:    ld h,qcnt               ;  7
P_n:    inc e                   ;  4
        inc l                   ;  4
` + end + leave + wide
	return strings.ReplaceAll(strings.ReplaceAll(code, "NAME", name), "P_", p+"_")
}

// fusedCtx is the fused variant of fin_ctx (named name, labels
// prefixed p): one output a turn, B = outputs, D = the table page dpage,
// entry(p, tail) the code of one output. short says whether DJNZ reaches.
func fusedCtx(name, p, dpage string, short bool, entry func(p, tail string) string) string {
	inline, wide := fuseSum(p, "        ld d,"+dpage+"\n")
	return fmt.Sprintf(`; %[1]s: one output a turn, B = outputs.
%[1]s:
        call di_save
        ld (sc_sp),sp
        ld l,0
        ld d,%[2]s
%[3]s_lp:
`, name, dpage, p) + entry(p, inline) + loopEnd(p+"_lp", short) + "        jp sc_leave\n" + wide
}

// loopEnd closes a loop on B: DJNZ when the loop is short enough for it
// (about 40+4*shift bytes an output for fin_ctx, 18+3*shift for fin_relu,
// two outputs a turn), else DEC B and JP NZ.
func loopEnd(label string, short bool) string {
	if short {
		return fmt.Sprintf("        djnz %-19s ; 13\n", label)
	}
	return fmt.Sprintf("        dec b                   ;  4\n        jp nz,%-18s ; 10\n", label)
}

// scMode is sc_mode, which sets where the column walk goes: HL after a
// column's +1 rows (ap_done, or the column's end for a layer with one list
// a column), DE at a column's end, and BC where w16 goes after its +1 rows
// (w16_n, or the column's end for one list). sc_mode_r sets only the
// column's end (DE).
func scMode(apExits, ngExits int) string {
	var b strings.Builder
	b.WriteString("sc_mode:\n        ld (w16_m+1),bc\n")
	for i := 1; i <= apExits; i++ {
		fmt.Fprintf(&b, "        ld (ap_x%d+1),hl\n", i)
	}
	b.WriteString("sc_mode_r:\n        ex de,hl\n")
	for i := 1; i <= ngExits; i++ {
		fmt.Fprintf(&b, "        ld (ng_x%d+1),hl\n", i)
	}
	b.WriteString(`        ld (w16_x+1),hl
        ret

`)
	return b.String()
}
