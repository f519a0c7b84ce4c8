; z80lm layer kernels.
;
; A layer computes acc = W*x + b in 16-bit wrapping arithmetic, then
; out = acc >> shift (arithmetic), then ReLU on all but the last layer.
; The accumulator of layer k lives in its own pair of pages (low bytes,
; then high bytes); its finaliser turns it into the layer's output.
;
; Two kernels, chosen per layer by the generator:
;   compact  row-major 2-bit packed weights: small, slow, every weight read;
;            it reads the previous layer's output in place, from a list of
;            the non-zero ones that the previous finaliser writes
;   fast     column-major index lists of the non-zero weights (walk.go):
;            only the columns of non-zero inputs are visited, and each
;            visit touches only the rows whose weight is not zero; the
;            previous layer's finaliser walks each column itself as soon as
;            it finds its output non-zero ("fused", see fuse in walk.go)
;
; Layer 1 with the fast kernel counts its inputs in bytes instead (ctxKernel
; in walk.go): the query half once per reply, the context half per window,
; kept in a cache of pages above the program (cache.go).

; setacc: acc = bias. Copies BC low bytes from HL to page D and the BC high
; bytes that follow them to page D+1 (E = 0).
setacc: push bc
        push de
        call ldir16
        pop de
        pop bc
        inc d
        jp ldir16

; cppair: copy BC entries of the split table at HL (L = 0) to the one at DE.
cppair: push bc
        push hl
        push de
        call ldir16
        pop de
        pop hl
        pop bc
        inc h
        inc d
        ; fall into ldir16

; ldir16: LDIR for BC >= 1 bytes at 16 T a byte instead of 21: sixteen
; LDIs a turn, the first turn entered part-way for BC mod 16 bytes.
ldir16: ld a,c
        and 15
        jr z,l16_lp             ; whole turns only
        add a,a                 ; skip 16 - BC mod 16 LDIs (two bytes each)
        neg
        add a,32
        push hl
        ld hl,l16_lp
        add a,l
        ld l,a
        jr nc,l16_in
        inc h
l16_in: ex (sp),hl              ; HL back, the entry point on the stack
        ret                     ; jump there
l16_lp: ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        jp pe,l16_lp            ; 16 T a byte, 10 T a turn
        ret

; di_save: disable interrupts, noting in sc_rest whether they were on, so
; that sc_leave can restore them. Used by the SP-walking kernels (walk.go).
di_save:
        ld a,i                  ; P/V = IFF2: were interrupts enabled?
        jp pe,ds_on
        ld a,i                  ; read again: an interrupt taken during
        jp pe,ds_on             ; LD A,I clears P/V on an NMOS Z80
        xor a                   ; NOP: leave them disabled
        jr ds_off
ds_on:  ld a,0FBh               ; EI
ds_off: ld (sc_rest),a
        di
        ret

; sc_leave: back to the stack saved in sc_sp, interrupts as they were.
sc_leave:
        ld sp,(sc_sp)
sc_rest:
        nop                     ; (patched) EI if interrupts were enabled
        ret

; sext: the B bytes at DE (0 = 256) = the sign of the bytes at HL: the
; high bytes of biases that fit a byte.
sext:   ld a,(hl)
        inc hl
        rla
        sbc a,a
        ld (de),a
        inc de
        djnz sext
        ret

; fill: the B bytes below HL = A (B = 0: none), with PUSH: 7.1 T a byte.
; HL ends at the lowest byte written; A and C are kept.
fill:   srl b                   ; B = pairs
        jr nc,fl_even
        dec hl
        ld (hl),a               ; an odd byte first
fl_even:
        ret z
        ld d,a
        ld e,a
        call di_save
        ld a,d
        ld (sc_sp),sp
        ld sp,hl
        srl b                   ; B = pairs of pairs
        jr nc,fl_quad
        push de                 ; an odd pair first
fl_quad:
        srl b                   ; B = eights
        jr nc,fl_oct
        push de                 ; an odd four first
        push de
fl_oct:
        jr z,fl_end
fl_lp:  push de                 ; 11
        push de                 ; 11
        push de                 ; 11
        push de                 ; 11
        djnz fl_lp              ; 13
fl_end: ld hl,0
        add hl,sp
        jp sc_leave

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
        ld a,(hl)               ; skip n_plus and the rows
        call rows_n
        ld c,a
        ld b,0
        inc hl
        add hl,bc
        ld a,(hl)               ; skip n_minus and the rows
        call rows_n
        ld c,a
        inc hl
        add hl,bc
        pop bc
        inc e
        djnz bp_lp
        ret

; build_ptrs1: build_ptrs for one list a column (see columnOne).
build_ptrs1:
        ld e,0
bq_lp:  ld a,l
        ld (de),a
        inc d
        ld a,h
        ld (de),a
        dec d
        ld a,(hl)               ; skip n and the rows
        call rows_n
        inc hl
        add a,l
        ld l,a
        jr nc,bq_nc
        inc h
bq_nc:  inc e
        djnz bq_lp
        ret

; zero128: clear the 128 bytes at HL.
zero128:
        ld b,128
z1_lp:  ld (hl),0
        inc hl
        djnz z1_lp
        ret

; nzcount: store the length of a list of non-zero outputs in the count
; word at HL. E = entries mod 256; 0 means none or all 256, told apart by
; output 0 of the table at page A: listed if it is positive and not zero
; (fin_relu leaves a negative entry as it is).
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
        bit 7,(hl)
        jr nz,nzc_neg           ; negative: the list is empty
        or (hl)
        ex de,hl
        ret z                   ; output 0 is zero: the list is empty
        ld (hl),1               ; all 256
        ret
nzc_neg:
        ex de,hl
        ret
