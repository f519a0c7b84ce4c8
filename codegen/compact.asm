; z80lm compact kernel (included only when a layer uses it).

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
