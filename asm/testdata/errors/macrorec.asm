again	macro
	again			; ERROR "macro recursion: again nested more than 64 deep"
	endm
	again
