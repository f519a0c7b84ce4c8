; A file that includes itself.
	include "recursion.asm"	; ERROR "include recursion: .*recursion.asm includes itself"
