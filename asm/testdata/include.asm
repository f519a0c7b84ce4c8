; INCLUDE and INCBIN resolve names relative to the including file.
	org 8000h
	call part		; CD 06 80
	incbin "inc/data.bin"	; 41 42 43
	include "inc/part.inc"	; 3E 42 C9
	dw part, partval	; 06 80 42 00
