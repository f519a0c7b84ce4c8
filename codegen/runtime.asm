; z80lm runtime: the CP/M 2.2 front end of a compiled model.
;
; Start-up, the chat loop, the one-shot command-tail mode, the query and
; context encoders, argmax and output. The generator supplies the model:
; fwd_init (once at start-up), fwd_reset (once per reply), fwd_step (the
; context half of the input from the window, then one forward pass, logits
; left in pages logpage/logpage+1), the charset table,
; and every BSS address as an EQU (see codegen.go).
;
; Vectors live in 256-byte-aligned split tables: value i has its low byte at
; page*256+i and its high byte at (page+1)*256+i, so an index is an address.
; Lists of non-zero entries: the indices from the start of a page, and
; their number in a separate count word.

bdos    equ 0005h               ; CP/M entry point
topptr  equ 0006h               ; address of the BDOS = first byte above the TPA
tail    equ 0080h               ; command tail: length byte, then the text
ccpsize equ 0806h               ; the CCP sits this far below the BDOS
c_write equ 2                   ; BDOS: console output, E = character
c_print equ 9                   ; BDOS: print string at DE up to '$'
c_read  equ 10                  ; BDOS: read console buffer at DE
maxrep  equ 50                  ; reply length cap
maxq    equ 60                  ; query length cap (lm.MaxQuery)

start:
        ld hl,(topptr)          ; HL = BDOS = end of the TPA
        ld de,bss_end
        or a
        sbc hl,de               ; HL = free bytes above our data and stack
        jr nc,st_fits
        ld de,msg_mem           ; too small: say so and return to the CCP
        ld c,c_print            ; (the BDOS returns through the CCP's
        jp bdos                 ; return address, our stack is untouched)
st_fits:
        ld de,ccpsize           ; carry is clear after the SBC above
        sbc hl,de               ; carry: our data overlays the CCP, so we
        sbc a,a                 ; must leave by warm boot, not RET
        ld (clobber),a
        ld (savesp),sp
        ld sp,stacktop
        call init
        ld hl,tail
        ld a,(hl)               ; tail length
        or a
        jr z,chat
        ld b,a                  ; B = length, HL -> text
        inc hl
        call answer             ; one-shot: answer the tail and leave
        call crlf
        jr quit

chat:   ld de,msg_prompt        ; "> "
        ld c,c_print
        call bdos
        ld de,linebuf
        ld c,c_read
        call bdos
        call crlf               ; the reply goes on its own line
        ld hl,linebuf+1
        ld b,(hl)               ; B = characters typed
        inc hl                  ; HL -> text
        ld a,b
        or a
        jr z,ch_go              ; an empty line is a query like any other
        ld a,(hl)
        cp '!'
        jr z,quit
ch_go:  call answer
        call crlf
        jr chat

quit:   ld sp,(savesp)          ; the caller's stack, as we found it
        ld a,(clobber)
        or a
leave:  ret z                   ; back to the CCP
reboot: jp 0                    ; the CCP was overwritten: warm boot

; init: clear the input vector and the lists, set the line buffer size,
; let the model build its tables.
init:   ld hl,xpage*256         ; 512 bytes of x (low and high pages)
        ld de,xpage*256+1
        ld bc,511
        ld (hl),0
        ldir
        ld hl,0
        ld (qcount),hl
        ld (ccount),hl
        ld a,255
        ld (linebuf),a          ; BDOS 10 buffer capacity
        jp fwd_init

; trim: drop blanks (space, TAB, LF, VT, FF, CR) at both ends, as the data
; loader does. in: HL -> text, B = length; out: HL -> first kept byte,
; B = kept length
trim:   ld a,b
        or a
        ret z
        ld a,(hl)
        call blank
        jr nc,tr_end
        inc hl                  ; drop a leading blank
        dec b
        jr trim
tr_end: ld e,b                  ; look at the last byte: HL+B-1
        ld d,0
        push hl
        add hl,de
        dec hl
        ld a,(hl)
        pop hl
        call blank
        ret nc
        dec b                   ; drop a trailing blank
        jr tr_end               ; B > 0 here: the first byte is not blank

; blank: carry set if A is a space or one of TAB..CR (9..13).
blank:  cp ' '
        scf
        ret z
        cp 9
        ccf
        ret nc                  ; below TAB
        cp 14                   ; carry: TAB..CR
        ret

; lower: A-Z and a-z to a-z (the loader upper-cases, the hash lower-cases);
; every other byte unchanged.
lower:  ld c,a
        and 0DFh                ; upper-case candidate
        cp 'A'
        jr c,lo_keep
        cp 'Z'+1
        jr nc,lo_keep
        or 20h
        ret
lo_keep:
        ld a,c
        ret

; mul31: A = A*31 mod 256. 8 bits are enough: a bucket is h mod 128 and
; 128 divides the 16-bit hash modulus. Destroys C. 31 T.
mul31:  ld c,a                  ; 4
        rrca                    ; 4
        rrca                    ; 4
        rrca                    ; 4  rotate right 3 = rotate left 5
        and 0E0h                ; 7  A = h*32
        sub c                   ; 4  A = h*31
        ret                     ; 10 (after a 17 T call)

; listlen: store the length of the list being built at IX (page aligned,
; fewer than 256 entries) in the count word at HL.
listlen:
        push ix
        pop de
        ld (hl),e
        inc hl
        ld (hl),0
        ret

; encq: the query half of x. Counts the trigrams of " "+lower(text)+" "
; into x[0..127] with xadd (see xCode in walk.go) and lists the buckets
; used in qlist.
; Also clears the previous reply's context entries. The hash c1*961 +
; c2*31 + c3 is (c1*31 + c2)*31 + c3, and the bracket for the next
; trigram is c2*31 + c3: two multiplications a character.
; in: HL -> text, B = length (already trimmed)
encq:   push hl
        push bc
        ld hl,qcount
        ld d,qlist
        call xclear
        ld hl,ccount
        ld d,clist
        call xclear
        pop bc
        pop hl
        ld ix,qlist*256
        ld a,b
        or a
        jr z,eq_done            ; "  " has no trigram
        ld a,(hl)
        inc hl
        call lower
        ld e,a                  ; E = c2, the trigram's second character
        add a,' '*31 and 255
        ld d,a                  ; D = p = c1*31 + c2 (c1: the leading pad)
eq_lp:  dec b
        ld a,' '                ; after the text: the trailing pad
        jr z,eq_c3
        ld a,(hl)
        inc hl
        call lower              ; A = c3
eq_c3:  ld c,a
        ld a,d                  ; h = p*31 + c3 = p*32 - p + c3
        rrca
        rrca
        rrca
        and 0E0h
        sub d
        add a,c
        and 127                 ; the bucket
        push hl
        call xadd
        pop hl
        ld a,e                  ; the next p = c2*31 + c3
        rrca
        rrca
        rrca
        and 0E0h
        sub e
        add a,c
        ld d,a
        ld e,c
        ld a,b
        or a
        jr nz,eq_lp
eq_done:
        ld hl,qcount
        jp listlen

; encc: the context half of x from the 8-character window: every 1-, 2-
; and 3-gram at position i hashes from the seed 7*i; bucket 128 + h mod 128.
; The buckets used are listed in clist (at most 21). With ecmask = 0FFh
; (layer 1 counts its context half, see walk.go) the n-grams that lie
; wholly in the left padding (i+n <= 8-t after t reply characters) are
; left out: their counts are precomputed per t.
encc:   ld hl,ccount
        ld d,clist
        call xclear
        ld ix,clist*256
        ld a,(nreply)
        cp 8
        jr c,ec_t
        ld a,8
ec_t:   neg
        add a,9
        and ecmask
        ld (ec_k),a             ; grams start at i >= ec_k - n
        ld b,1                  ; B = gram length n
ec_n:   ld a,(ec_k)
        sub b
        jr nc,ec_i0
        xor a
ec_i0:  ld c,a                  ; C = first position i0
        ld a,9
        sub b
        sub c                   ; 9-n-i0 start positions (none: i0 = 9-n)
        jr z,ec_nn
        ld (ec_left),a
        ld hl,window
        ld e,c
        ld d,0
        add hl,de
        ex de,hl                ; DE -> the gram's first character
        ld a,c
        add a,a
        add a,a
        add a,a
        sub c                   ; A = seed 7*i0
ec_i:   ld (ec_seed),a
        push bc
        push de
ec_h:   call mul31              ; h = h*31 + c, n times (C destroyed)
        ld c,a
        ld a,(de)
        add a,c
        inc de
        djnz ec_h
        and 127
        or 128                  ; context buckets follow the query's
        call xadd
        pop de
        pop bc
        inc de
        ld a,(ec_seed)
        add a,7
        ld hl,ec_left
        dec (hl)
        jr nz,ec_i
ec_nn:  inc b
        ld a,b
        cp 4
        jr nz,ec_n
        ld hl,ccount
        jp listlen

; answer: print the reply to the query at HL (B bytes, untrimmed), cut
; to maxq characters after trimming like z80lm chat does.
answer: call trim
        ld a,b
        cp maxq+1
        jr c,an_cut
        ld b,maxq
an_cut:
        call encq
        ld hl,window            ; an empty reply: eight spaces
        ld b,8
an_sp:  ld (hl),' '
        inc hl
        djnz an_sp
        xor a
        ld (nreply),a
        call fwd_reset          ; once per reply (query half of layer 1)
an_step:
        call fwd_step
step_done:                      ; every layer's output is in its table here
        call argmax             ; A = class
        cp eos_idx
        ret z
        ld e,a
        ld d,0
        ld hl,charset
        add hl,de
        ld a,(hl)               ; A = the reply character
        push af
        ld e,a
        ld c,c_write
        call bdos
        pop af
        call lower
        ld hl,window+1          ; slide it into the window
        ld de,window
        ld bc,7
        ldir
        ld (de),a
        ld hl,nreply
        inc (hl)
        ld a,(hl)
        cp maxrep
        jr c,an_step
        ret

; argmax: A = index of the first maximum of the logits, as signed 16-bit
; numbers. Flipping the sign bit makes unsigned order equal signed order.
argmax: ld h,logpage
        ld l,0
        ld e,(hl)
        inc h
        ld a,(hl)
        xor 80h
        ld d,a                  ; DE = best so far (biased)
        dec h
        ld c,0                  ; C = its index
        ld b,nclass-1           ; the generator guarantees nclass >= 2
am_lp:  inc l
        inc h
        ld a,(hl)
        dec h
        xor 80h
        cp d
        jr c,am_next            ; high byte smaller
        jr nz,am_new            ; high byte larger
        ld a,(hl)
        cp e
        jr c,am_next
        jr z,am_next            ; equal: the first maximum wins
am_new: ld e,(hl)
        inc h
        ld a,(hl)
        xor 80h
        ld d,a
        dec h
        ld c,l
am_next:
        djnz am_lp
        ld a,c
        ret

crlf:   ld e,13
        ld c,c_write
        call bdos
        ld e,10
        ld c,c_write
        jp bdos

msg_prompt:
        db '> $'
msg_mem:
        db 'Not enough memory for this model',13,10,'$'
