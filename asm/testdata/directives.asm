; Directives, labels, macros and conditionals. Each line that produces
; bytes ends with them; the bytes were worked out by hand (and, where pasmo
; 0.5.3 understands the syntax, confirmed with it).
	org 100h
start:	ld hl,msg		; 21 0B 01
	jr .skip		; 18 03
.skip0:	nop			; 00
	dw .skip0		; 05 01
.skip:	jp start		; C3 00 01
msg:	db "Hi",'!',0Dh,0Ah,'$'	; 48 69 21 0D 0A 24
	defm 'it''s'		; 69 74 27 73
	db 'a'+1, -1, 255	; 62 FF FF
	defb "a;b"		; 61 3B 62
count	equ 3
size:	equ count*2+1
dbl	=	size<<1
	db count, size, dbl	; 03 07 0E
	dw msg, $		; 0B 01 1E 01
	defw -1, 65535, -32768	; FF FF FF FF 00 80
	ds 3			; 00 00 00
	defs 2,0E5h		; E5 E5
	align 8			; 00 00 00
	db $ & 0FFh		; 30
lbl	nop			; 00
var	defl 1
	db var			; 01
var	defl var+1
	db var			; 02
	ld a,high(msg)		; 3E 01
	ld a,low msg		; 3E 0B
	ld a,(msg)		; 3A 0B 01
	ld hl,(msg)+1		; 21 0C 01
	ld a,(msg+1)		; 3A 0C 01
	ld a,(1)+(2)		; 3E 03
	ld a,((1)+(2))		; 3A 03 00
	if count > 2
	db 1			; 01
	if 0
	db 2
	else
	db 3			; 03
	endif
	else
	db 4
	endif
	ifdef count
	db 5			; 05
	endif
	ifndef nothing
	db 6			; 06
	endif
	if 0
	undefined_instruction here
	endif
load	macro reg, val
	local again
again:	ld reg,val
	djnz again
	endm
	load a, 5		; 3E 05 10 FC
	load b, count		; 06 03 10 FC
	rept 3
	inc a
	endr			; 3C 3C 3C
	rept 2
	db 0AAh
	endm			; AA AA
	org 200h
back:	djnz back		; 10 FE
	end
	db 99
