; Each line marked ERROR must produce an error whose message matches the
; quoted regular expression; no other line may produce one.
	org 100h
dup:	nop
dup:	nop			; ERROR "dup already defined at .*basic.asm:4"
	jp nowhere		; ERROR "undefined symbol nowhere"
	ld a,256		; ERROR "value 256 \(100h\) does not fit in a byte"
	ld a,-129		; ERROR "value -129 .* does not fit in a byte"
	ld bc,10000h		; ERROR "does not fit in a word"
	ld a,(ix+128)		; ERROR "index offset 128 out of range -128..127"
	ld (iy-129),0		; ERROR "index offset -129 out of range"
	jr $+130		; ERROR "jump target out of reach: offset 128"
	djnz $-127		; ERROR "jump target out of reach: offset -129"
	jr c,far		; ERROR "out of reach"
	mov a,b			; ERROR "unknown instruction mov"
	ld (hl),(hl)		; ERROR "invalid instruction LD \(hl\),\(hl\)"
	ld ixh,h		; ERROR "invalid instruction LD ixh,h"
	ld ixh,iyl		; ERROR "invalid instruction"
	jr pe,0			; ERROR "invalid instruction JR pe,0"
	ex hl,bc		; ERROR "invalid instruction"
	bit 8,a			; ERROR "bit number 8 out of range 0..7"
	rst 9			; ERROR "RST address must be"
	im 3			; ERROR "interrupt mode must be 0, 1 or 2"
	out (c),1		; ERROR "OUT \(C\) can only send a register or 0"
	org 200h
far:	nop
