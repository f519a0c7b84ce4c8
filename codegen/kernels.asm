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

; scatter: acc += x[i] * (column i of W) for every input i listed at HL
; (page aligned, B entries, 0 = 256; every listed x[i] is non-zero).
; The caller patches the pages: sc_pp the column pointer table, sc_xp x,
; sc_ap the accumulator. Column i: n_plus, the rows of its +1 weights,
; n_minus, the rows of its -1 weights (a -2 weight is listed twice).
;
; The row lists are walked with SP: one POP fetches two rows in 10 T. An
; interrupt would push onto the lists, so interrupts are disabled meanwhile
; and re-enabled at the end if they were enabled; no CALL or PUSH until
; SP is restored. The list of inputs and its count live in HL' and B'.
scatter:
        push bc
        push hl
        exx
        pop hl                  ; HL' -> inputs
        pop bc                  ; B' = how many
        ld a,i                  ; P/V = IFF2: were interrupts enabled?
        jp pe,sc_on
        ld a,i                  ; read again: an interrupt taken during
        jp pe,sc_on             ; LD A,I clears P/V on an NMOS Z80
        xor a                   ; NOP: leave them disabled
        jr sc_off
sc_on:  ld a,0FBh               ; EI
sc_off: ld (sc_rest),a
        di
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
        ld b,(hl)               ;  7 0 < x < 256: +x adds C with a carry
        inc hl                  ;  6 into the high byte
        ld sp,hl                ;  6 SP -> the +1 rows
sc_ap:  ld h,0                  ;  7 (patched) accumulator low page
        ld a,b                  ;  4
        srl b                   ;  8
        srl b                   ;  8 B = groups of four rows
        and 3                   ;  7 A = rows beyond them
        jr nz,ap_part           ;  7
        or b
        jr z,ap_done            ;    no rows
ap_lp:  pop de                  ; 10 two rows
        ld l,e                  ;  4
        ld a,(hl)               ;  7
        add a,c                 ;  4
        ld (hl),a               ;  7
        jr c,ap_f1              ;  7 carry: out of line (+34 T)
ap_r1:  ld l,d                  ;  4
        ld a,(hl)               ;  7
        add a,c                 ;  4
        ld (hl),a               ;  7
        jr c,ap_f2              ;  7 carry: out of line (+34 T)
ap_r2:  pop de                  ; 10 two rows
        ld l,e                  ;  4
        ld a,(hl)               ;  7
        add a,c                 ;  4
        ld (hl),a               ;  7
        jr c,ap_f3              ;  7 carry: out of line (+34 T)
ap_r3:  ld l,d                  ;  4
        ld a,(hl)               ;  7
        add a,c                 ;  4
        ld (hl),a               ;  7
        jr c,ap_f4              ;  7 carry: out of line (+34 T)
ap_r4:  djnz ap_lp              ; 13: 149 T for four rows
ap_done:
        dec sp
        pop af                  ; A = n_minus, SP -> the -1 rows
        or a
        jr z,sc_next
        ld b,a
        xor a
        sub c
        ld c,a                  ; -x adds C = low byte of -x and a borrow
        ld a,b                  ; from the high byte unless that carries
        srl b
        srl b
        and 3
        jr nz,ng_part
ng_lp:  pop de                  ; 10 two rows
        ld l,e                  ;  4
        ld a,(hl)               ;  7
        add a,c                 ;  4
        ld (hl),a               ;  7
        jr nc,ng_f1              ;  7 no carry: borrow, out of line
ng_r1:  ld l,d                  ;  4
        ld a,(hl)               ;  7
        add a,c                 ;  4
        ld (hl),a               ;  7
        jr nc,ng_f2              ;  7 no carry: borrow, out of line
ng_r2:  pop de                  ; 10 two rows
        ld l,e                  ;  4
        ld a,(hl)               ;  7
        add a,c                 ;  4
        ld (hl),a               ;  7
        jr nc,ng_f3              ;  7 no carry: borrow, out of line
ng_r3:  ld l,d                  ;  4
        ld a,(hl)               ;  7
        add a,c                 ;  4
        ld (hl),a               ;  7
        jr nc,ng_f4              ;  7 no carry: borrow, out of line
ng_r4:  djnz ng_lp              ; 13: 149 T for four rows
sc_next:
        exx
        djnz sc_col
        ld sp,(sc_sp)
sc_rest:
        nop                     ; (patched) EI if interrupts were enabled
        ret
ap_part:                        ; the rows beyond whole groups of four first
        inc b
        dec a
        jr z,ap_one
        dec a
        jr z,ap_r2             ; two: one whole POP
        dec sp                  ; three: step back a byte so that POP puts
        pop de                  ; the first row in D
        jp ap_r1
ap_one: dec sp
        pop de
        jp ap_r3
ng_part:                        ; the rows beyond whole groups of four first
        inc b
        dec a
        jr z,ng_one
        dec a
        jr z,ng_r2             ; two: one whole POP
        dec sp                  ; three: step back a byte so that POP puts
        pop de                  ; the first row in D
        jp ng_r1
ng_one: dec sp
        pop de
        jp ng_r3
ap_f1:  inc h
        inc (hl)
        dec h
        jp ap_r1
ap_f2:  inc h
        inc (hl)
        dec h
        jp ap_r2
ap_f3:  inc h
        inc (hl)
        dec h
        jp ap_r3
ap_f4:  inc h
        inc (hl)
        dec h
        jp ap_r4
ng_f1:  inc h
        dec (hl)
        dec h
        jp ng_r1
ng_f2:  inc h
        dec (hl)
        dec h
        jp ng_r2
ng_f3:  inc h
        dec (hl)
        dec h
        jp ng_r3
ng_f4:  inc h
        dec (hl)
        dec h
        jp ng_r4
sc_wide:                        ; x >= 256: full 16-bit adds, on the stack
        ld sp,(sc_sp)
        ld (aw_hi+1),a
        ld a,(sc_ap+1)
        ld d,a
        ld a,(hl)
        inc hl
        or a
        ld b,a
        call nz,add_w           ; +x
        ld a,(hl)
        inc hl
        or a
        jp z,sc_next
        ld b,a
        ld a,(aw_hi+1)          ; -x = (NOT x) + 1
        cpl
        ld (aw_hi+1),a
        xor a
        sub c
        ld c,a
        jr nz,sc_w1             ; low byte 0: the +1 carries into the high byte
        ld a,(aw_hi+1)
        inc a
        ld (aw_hi+1),a
sc_w1:  call add_w
        jp sc_next

; add_w: acc[row] += x for the B rows listed at HL; x = (aw_hi+1)*256 + C
; (the high byte patched into the ADC). D = acc low page.
add_w:  ld e,(hl)
        inc hl
        ld a,(de)
        add a,c
        ld (de),a
        inc d
        ld a,(de)
aw_hi:  adc a,0                 ; (patched) high byte of x
        ld (de),a
        dec d
        djnz add_w
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
        push bc
        ld c,(hl)               ; skip n_plus and the rows
        ld b,0
        inc hl
        add hl,bc
        ld c,(hl)               ; skip n_minus and the rows
        inc hl
        add hl,bc
        pop bc
        inc e
        djnz bp_lp
        ret

; nzcount: store the length of a list of non-zero outputs in the count
; word at HL. E = entries mod 256; 0 means none or all 256, told apart by
; output 0 of the table at page A.
nzcount:
        ld (hl),e
        inc hl
        ld (hl),0
        ld d,a
        ld a,e
        or a
        ret nz
        ld e,a                  ; DE -> output 0
        ld a,(de)
        inc d
        ex de,hl
        or (hl)
        ex de,hl
        ret z                   ; output 0 is zero: the list is empty
        ld (hl),1               ; all 256
        ret
