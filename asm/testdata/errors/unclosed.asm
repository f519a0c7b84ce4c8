; Blocks that never end.
	if 1			; ERROR "IF without ENDIF"
	nop
m	macro			; ERROR "MACRO without ENDM"
	nop
