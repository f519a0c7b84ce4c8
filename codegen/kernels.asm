; z80lm layer kernels.
;
; A layer computes acc = W*x + b in 16-bit wrapping arithmetic, then
; out = acc >> shift (arithmetic), then ReLU on all but the last layer.
; The accumulator of layer k lives in its own pair of pages, and the
; finaliser turns it into the layer's output in place, so every layer's
; output stays readable until the next step.
;
; Two kernels, chosen per layer by the generator:
;   compact  row-major 2-bit packed weights: small, slow, every weight read
;   scatter  column-major index lists of the non-zero weights: only the
;            columns of non-zero inputs are visited, and each visit touches
;            only the rows whose weight is not zero

; setacc: acc = bias. Copies BC low bytes from HL to page D and the BC high
; bytes that follow them to page D+1 (E = 0).
setacc: push bc
        push de
        ldir
        pop de
        pop bc
        inc d
        ldir
        ret

; cppair: copy BC entries of the split table at HL (L = 0) to the one at DE.
cppair: push bc
        push hl
        push de
        ldir
        pop de
        pop hl
        pop bc
        inc h
        inc d
        ldir
        ret

; compact: acc[o] += sum over i of W[o,i]*x[i] for every row o.
; in: IX -> packed weights, row-major, each row padded to a whole byte,
;     four weights a byte, first in bits 0-1 (00 0, 01 +1, 10 -2, 11 -1);
;     cp_xpage/cp_apage: pages of x and acc; cp_in/cp_out: sizes (0 = 256)
compact:
        xor a
        ld (cp_o),a
cp_row: ld a,(cp_apage)
        ld h,a
        ld a,(cp_o)
        ld l,a
        ld e,(hl)
        inc h
        ld d,(hl)               ; DE = acc[o] (the bias)
        ld a,(cp_xpage)
        ld h,a
        ld l,0                  ; HL -> x[0]
        ld a,(cp_in)
        ld b,a                  ; B = inputs to go
cp_w:   ld a,l
        and 3
        jr nz,cp_have
        ld c,(ix+0)             ; C = the next four weights
        inc ix
cp_have:
        ld a,c
        rrc c
        rrc c
        and 3                   ; A = this weight's code
        jr z,cp_next
        dec a
        jr z,cp_add             ; 01: +1
        dec a
        jr nz,cp_sub            ; 11: -1
        ld a,e                  ; 10: -2, subtract twice
        sub (hl)
        ld e,a
        inc h
        ld a,d
        sbc a,(hl)
        ld d,a
        dec h
cp_sub: ld a,e                  ; DE -= x[i]
        sub (hl)
        ld e,a
        inc h
        ld a,d
        sbc a,(hl)
        ld d,a
        dec h
        jr cp_next
cp_add: ld a,e                  ; DE += x[i]
        add a,(hl)
        ld e,a
        inc h
        ld a,d
        adc a,(hl)
        ld d,a
        dec h
cp_next:
        inc l
        djnz cp_w
        ld a,(cp_apage)
        ld h,a
        ld a,(cp_o)
        ld l,a
        ld (hl),e
        inc h
        ld (hl),d
        inc a
        ld (cp_o),a
        ld hl,cp_out
        cp (hl)                 ; 256 rows: cp_out = 0 = 255+1
        jr nz,cp_row
        ret

; scatter: acc += x[i] * (column i of W) for every input i in the list at
; sc_list (all listed x[i] are non-zero). Column i, found through the
; pointer table at page sc_ppage: n_plus, n_minus, the rows of its +1
; weights, the rows of its -1 weights (a -2 weight is listed there twice).
; sc_xpage: page of x; sc_apage: page of acc.
scatter:
        ld hl,(sc_list)
        ld e,(hl)
        inc hl
        ld d,(hl)               ; DE = number of inputs listed
        inc hl
        ld a,d
        or e
        ret z
        ld (sc_left),de
sc_col: ld a,(hl)               ; A = input index i
        inc hl
        ld (sc_next),hl
        ld l,a
        ld a,(sc_ppage)
        ld h,a
        ld e,(hl)
        inc h
        ld d,(hl)               ; DE -> column i
        ld a,(sc_xpage)
        ld h,a
        ld c,(hl)
        inc h
        ld b,(hl)               ; BC = x[i]
        ex de,hl                ; HL -> column i
        ld a,(hl)
        ld (sc_np),a
        inc hl
        ld a,(hl)
        ld (sc_nm),a
        inc hl                  ; HL -> the +1 rows
        ld a,(sc_apage)
        ld d,a                  ; D = acc low page
        ld a,b
        or a
        jr nz,sc_wide
        ld a,(sc_np)            ; 0 < x < 256: +x has high byte 00h
        or a                    ; and -x has high byte FFh
        jr z,sc_s1
        ld b,a
        call add_pos
sc_s1:  ld a,(sc_nm)
        or a
        jr z,sc_end
        ld b,a
        xor a
        sub c
        ld c,a                  ; C = low byte of -x
        call add_neg
        jr sc_end
sc_wide:                        ; x >= 256: full 16-bit adds
        ld a,(sc_np)
        or a
        jr z,sc_w1
        push bc
        ld a,b
        ld (sc_vhi),a
        ld a,(sc_np)
        ld b,a
        call add16
        pop bc
sc_w1:  ld a,(sc_nm)
        or a
        jr z,sc_end
        xor a                   ; BC = -x
        sub c
        ld c,a
        sbc a,a
        sub b
        ld (sc_vhi),a
        ld a,(sc_nm)
        ld b,a
        call add16
sc_end: ld hl,(sc_left)
        dec hl
        ld (sc_left),hl
        ld a,h
        or l
        ret z
        ld hl,(sc_next)
        jr sc_col

; add_pos: acc[row] += C (high byte 0) for the B rows listed at HL.
; D = acc low page. 56 T a row, 26 T more when the low byte carries.
add_pos:
ap_lp:  ld e,(hl)               ;  7 E = row
        inc hl                  ;  6
        ld a,(de)               ;  7
        add a,c                 ;  4
        ld (de),a               ;  7
        jr nc,ap_nc             ; 12/7
        inc d                   ;  4 carry into the high byte
        ld a,(de)               ;  7
        inc a                   ;  4
        ld (de),a               ;  7
        dec d                   ;  4
ap_nc:  djnz ap_lp              ; 13
        ret

; add_neg: acc[row] += FF00h + C for the B rows listed at HL: the high
; byte drops by one unless the low byte carries. D = acc low page.
add_neg:
ng_lp:  ld e,(hl)               ;  7
        inc hl                  ;  6
        ld a,(de)               ;  7
        add a,c                 ;  4
        ld (de),a               ;  7
        jr c,ng_c               ; 12/7
        inc d                   ;  4
        ld a,(de)               ;  7
        dec a                   ;  4
        ld (de),a               ;  7
        dec d                   ;  4
ng_c:   djnz ng_lp              ; 13
        ret

; add16: acc[row] += (sc_vhi)*256 + C for the B rows listed at HL, in two
; passes: low bytes with their carries, then the high bytes.
add16:  push hl
        push bc
        call add_pos
        pop bc
        ex (sp),hl              ; HL -> the rows again, end on the stack
        ld a,(sc_vhi)
        ld c,a
        inc d
a16_lp: ld e,(hl)
        inc hl
        ld a,(de)
        add a,c
        ld (de),a
        djnz a16_lp
        dec d
        pop hl                  ; HL -> after the rows
        ret

; build_ptrs: fill the column pointer table of a scatter layer.
; in: HL -> first column, D = table low page, B = columns (0 = 256)
build_ptrs:
        ld e,0
bp_lp:  ld a,l
        ld (de),a
        inc d
        ld a,h
        ld (de),a
        dec d
        ld a,(hl)               ; n_plus
        inc hl
        push bc
        ld c,(hl)               ; n_minus
        inc hl
        ld b,0
        add hl,bc
        ld c,a
        add hl,bc
        pop bc
        inc e
        djnz bp_lp
        ret

; fin_relu: out = max(acc >> C, 0) in place for B entries (0 = 256) of the
; table at page H; lists the non-zero outputs for the next layer's scatter.
; in: IX -> the list's first entry (the count word precedes it)
fin_relu:
        ld l,0
        push ix
fr_lp:  inc h
        ld a,(hl)               ; high byte
        dec h
        or a
        jp m,fr_neg             ; negative stays negative when shifted: 0
        ld d,a
        ld e,(hl)
        ld a,c
        or a
        jr z,fr_sh0
fr_sh:  sra d                   ; floor division by 2
        rr e
        dec a
        jr nz,fr_sh
fr_sh0: ld (hl),e
        inc h
        ld (hl),d
        dec h
        ld a,d
        or e
        jr z,fr_next
        ld (ix+0),l             ; non-zero: list it
        inc ix
        jr fr_next
fr_neg: xor a
        ld (hl),a
        inc h
        ld (hl),a
        dec h
fr_next:
        inc l
        djnz fr_lp
        pop de
        dec de
        dec de                  ; DE -> the list
        jp listlen

; fin_last: out = acc >> C (arithmetic) in place for B entries (0 = 256)
; of the table at page H: the logits.
fin_last:
        ld l,0
fl_lp:  ld e,(hl)
        inc h
        ld d,(hl)
        ld a,c
        or a
        jr z,fl_sh0
fl_sh:  sra d
        rr e
        dec a
        jr nz,fl_sh
fl_sh0: ld (hl),d
        dec h
        ld (hl),e
        inc l
        djnz fl_lp
        ret
