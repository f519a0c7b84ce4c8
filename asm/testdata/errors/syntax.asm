; Each line marked ERROR must produce an error whose message matches the
; quoted regular expression; no other line may produce one.
	org 100h
	db 1/0			; ERROR "division by zero"
	db 'ab'+1		; ERROR "character constant must be one character"
	db 'open		; ERROR "unterminated string"
	db 12G			; ERROR "malformed number 12G"
	ld a,b+1		; ERROR "b is not allowed in an expression"
	ld a,(1+2		; ERROR "missing \) to close \("
	ld a,		; ERROR "missing operand"
	db 1 2			; ERROR "expected , or end of line"
	nop nop			; ERROR "NOP takes no operands"
	ds -1			; ERROR "DS count -1 out of range"
	else			; ERROR "ELSE without IF"
	endif			; ERROR "ENDIF without IF"
	endm			; ERROR "ENDM without MACRO or REPT"
	include "missing.inc"	; ERROR "cannot include missing.inc"
	incbin "missing.bin"	; ERROR "cannot read missing.bin"
	org 10000h		; ERROR "ORG address 65536 out of range"
hl:	nop			; ERROR "hl is a reserved word"
	local x			; ERROR "LOCAL outside a macro"
	ld a,1 ]		; ERROR "unexpected '\]'"
	db 1 # 2		; ERROR "expected , or end of line, found '#'"
	org 200h
far:	nop
