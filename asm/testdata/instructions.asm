; Instruction forms, one per line, each with the bytes binutils-z80
; (z80-unknown-coff-as -march=z80+full) produces for it.
	nop                    ; 00
	LD A,B                 ; 78
	ld b,(hl)              ; 46
	ld (hl),e              ; 73
	Ld H,0FFh              ; 26 FF
	ld (hl),80h            ; 36 80
	ld a,(bc)              ; 0A
	ld (de),a              ; 12
	ld a,(1234h)           ; 3A 34 12
	ld (0FFFFh),a          ; 32 FF FF
	ld a,i                 ; ED 57
	ld r,a                 ; ED 4F
	ld bc,1234h            ; 01 34 12
	ld sp,0                ; 31 00 00
	ld hl,(5)              ; 2A 05 00
	ld (5),hl              ; 22 05 00
	ld de,(0ABCDh)         ; ED 5B CD AB
	ld (0ABCDh),sp         ; ED 73 CD AB
	ld sp,hl               ; F9
	ld sp,iy               ; FD F9
	ld ix,0FFFFh           ; DD 21 FF FF
	ld iy,(100h)           ; FD 2A 00 01
	ld (100h),ix           ; DD 22 00 01
	ld a,(ix+7Fh)          ; DD 7E 7F
	ld c,(iy-80h)          ; FD 4E 80
	ld (ix-1),h            ; DD 74 FF
	ld (iy+0),0AAh         ; FD 36 00 AA
	ld a,(ix)              ; DD 7E 00
	ld ixh,5               ; DD 26 05
	ld iyl,a               ; FD 6F
	ld b,ixl               ; DD 45
	ld ixh,ixl             ; DD 65
	push af                ; F5
	pop iy                 ; FD E1
	ex af,af'              ; 08
	EX DE,HL               ; EB
	ex (sp),ix             ; DD E3
	exx                    ; D9
	add a,(ix+5)           ; DD 86 05
	adc a,0                ; CE 00
	sub 7Fh                ; D6 7F
	sbc a,(hl)             ; 9E
	and ixh                ; DD A4
	xor a                  ; AF
	or (iy-2)              ; FD B6 FE
	cp 80h                 ; FE 80
	inc (hl)               ; 34
	dec iyl                ; FD 2D
	inc sp                 ; 33
	dec ix                 ; DD 2B
	add hl,sp              ; 39
	add ix,ix              ; DD 29
	add iy,de              ; FD 19
	adc hl,bc              ; ED 4A
	sbc hl,hl              ; ED 62
	daa                    ; 27
	cpl                    ; 2F
	neg                    ; ED 44
	ccf                    ; 3F
	scf                    ; 37
	halt                   ; 76
	di                     ; F3
	ei                     ; FB
	im 0                   ; ED 46
	im 1                   ; ED 56
	im 2                   ; ED 5E
	rlca                   ; 07
	rra                    ; 1F
	rlc b                  ; CB 00
	rrc (hl)               ; CB 0E
	rl (ix+1)              ; DD CB 01 16
	rr a                   ; CB 1F
	sla (iy-1)             ; FD CB FF 26
	sra e                  ; CB 2B
	sll l                  ; CB 35
	sli h                  ; CB 34
	srl (hl)               ; CB 3E
	rlc (ix+2),b           ; DD CB 02 00
	rld                    ; ED 6F
	rrd                    ; ED 67
	bit 0,a                ; CB 47
	bit 7,(hl)             ; CB 7E
	set 3,(ix-80h)         ; DD CB 80 DE
	res 6,e                ; CB B3
	res 1,(iy+3),c         ; FD CB 03 89
	set 7,(ix+1),a         ; DD CB 01 FF
	jp 1234h               ; C3 34 12
	jp nz,0                ; C2 00 00
	jp m,0FFFFh            ; FA FF FF
	jp (hl)                ; E9
	jp (ix)                ; DD E9
	jr $                   ; 18 FE
	jr $+81h               ; 18 7F
	jr nc,$-7Eh            ; 30 80
	djnz $+2               ; 10 00
	call 0FFFFh            ; CD FF FF
	call pe,1              ; EC 01 00
	ret                    ; C9
	ret po                 ; E0
	reti                   ; ED 4D
	retn                   ; ED 45
	rst 0                  ; C7
	rst 38h                ; FF
	in a,(0FEh)            ; DB FE
	in e,(c)               ; ED 58
	in f,(c)               ; ED 70
	in (c)                 ; ED 70
	out (0),a              ; D3 00
	out (c),h              ; ED 61
	out (c),0              ; ED 71
	ldi                    ; ED A0
	ldir                   ; ED B0
	cpd                    ; ED A9
	cpdr                   ; ED B9
	ini                    ; ED A2
	indr                   ; ED BA
	outi                   ; ED A3
	otdr                   ; ED BB
