; Values that decide the layout must be known when they are reached.
	org later		; ERROR "ORG address must be defined before this line"
	ds later		; ERROR "DS count must be defined before this line"
	if later		; ERROR "IF condition must be defined before this line"
	endif
	rept later		; ERROR "REPT count must be defined before this line"
	endr
later	equ 5
