package codegen

// The context-count cache. Layer 1's context half is a function of the
// 8-character window alone, and replies repeat their beginnings ("N",
// "NO", "YE"...), so the byte counts that cscatter makes for a window are
// kept in a page of their own and looked up by the window the next time.
// A hit costs a search of the keys instead of the n-gram hashing, a
// 256-byte copy and the counting (about 17 K T-states a step on
// guess-model.npz). The pages are those above the program's data and stack
// up to the CCP (or up to the BDOS when the data overlays the CCP anyway),
// at least one and at most cxCap; their keys, the windows, live in the
// clist page after its at most 21 entries. When all are in use they are
// replaced in turn.

// cxCap is the most entries the key area (clist page from byte 32, eight
// bytes a key) holds.
const cxCap = 28

// ctxCache is cx_init (for fwd_init) and cx_page. It needs the equates
// cbase (the first cache page, reserved in the BSS), spc (the all-space
// counts), clist/ccount and the BSS bytes cx_n, cx_max and cx_vict.
const ctxCache = `; cx_init: the cache's capacity from the memory above the program.
cx_init:
        ld hl,(topptr)          ; H = the page holding the BDOS
        ld a,(clobber)
        or a
        jr nz,ci_top            ; the CCP is overwritten anyway: up to the BDOS
        ld de,-ccpsize
        add hl,de               ; else up to the CCP
ci_top: ld a,h
        sub cbase               ; whole pages from cbase (at least one)
        cp cxcap+1
        jr c,ci_cap
        ld a,cxcap
ci_cap: ld (cx_max),a
        xor a
        ld (cx_n),a
        ld (cx_vict),a
        ret

; cx_page: A = the page of layer 1's context counts for this step. No
; reply character yet: the all-space counts (page spc). Else the cache
; entry whose key equals the window; on a miss the next entry is filled:
; the all-space counts for this step copied, then encc and cscatter count
; the other n-grams into it.
cx_page:
        ld a,(nreply)
        or a
        ld a,spc
        ret z
        ld a,(window+7)
        ld c,a                  ; C = the newest character
        ld a,(cx_n)
        ld b,a
        inc b                   ; B = entries in use + 1
        ld hl,clist*256+32+7    ; HL -> entry 0's newest character
        jr cx_nx
cx_lp:  ld a,(hl)               ;  7
        cp c                    ;  4
        jr z,cx_cmp             ;  7 the newest characters agree
cx_nxt: ld a,l                  ;  4
        add a,8                 ;  7
        ld l,a                  ;  4 the next key
cx_nx:  djnz cx_lp              ; 13
        jr cx_miss
cx_cmp: push bc
        push hl
        ld de,window+6
        ld b,7
cx_c:   dec l                   ; the other seven, newest first
        ld a,(de)
        cp (hl)
        jr nz,cx_ne
        dec de
        djnz cx_c
        pop hl                  ; a hit: L = 32 + 8*entry + 7
        pop bc
        ld a,l
        sub 32+7
        rrca
        rrca
        rrca
        add a,cbase
        ret
cx_ne:  pop hl
        pop bc
        jr cx_nxt

cx_miss:
        ld hl,cx_n
        ld a,(cx_max)
        cp (hl)
        ld a,(hl)
        jr z,cx_full
        inc (hl)                ; a free entry: A = its number
        jr cx_new
cx_full:
        ld a,(cx_vict)          ; all in use: replace them in turn
        ld b,a
        inc a
        cp (hl)
        jr c,cx_v
        xor a
cx_v:   ld (cx_vict),a
        ld a,b
cx_new: push af
        add a,a
        add a,a
        add a,a
        add a,32
        ld e,a
        ld d,clist              ; DE -> its key
        ld hl,window
        ld bc,8
        ldir
        call encc               ; clist: the n-grams not wholly in the padding
        ld a,(nreply)
        cp 8
        jr c,cx_t
        ld a,8
cx_t:   add a,spc
        ld h,a
        ld l,0                  ; HL -> the all-space counts after t characters
        pop af
        add a,cbase
        push af
        ld d,a
        ld e,l                  ; DE -> the entry's page
        ld bc,256
        call ldir16
        pop af
        ld (cs_pg+1),a          ; count the others into it
        push af
        ld hl,(ccount)
        ld a,h
        or l
        jr z,cx_done
        ld b,l
        ld hl,clist*256
        call cscatter
cx_done:
        pop af
        ret

`
