// Package asm is a Z80 assembler for Zilog mnemonics. Its bytes are those of
// binutils-z80 and pasmo for every instruction form (the oracle tests, build
// tag oracle, prove it), and it accepts the directives a CP/M program needs.
//
// Source syntax, case-insensitive except for symbol names:
//
//	label:  ld a,(ix+5)   ; comment
//	label   ld a,1        ; a colonless label must start in column 1
//	.loop:  djnz .loop    ; .name and @name are local to the last global label
//
// Instructions: every documented form, plus IXH IXL IYH IYL operands, SLL
// (also SLI, SL1), IN (C) and IN F,(C), OUT (C),0, and the DD CB register
// copies RLC (IX+d),r and SET b,(IX+d),r. ADD A,x and SUB x may also be
// written ADD x and SUB A,x.
//
// Directives: name EQU expr, name = expr, name DEFL expr (redefinable), ORG,
// DB/DEFB/DEFM (numbers, 'c', "strings"), DW/DEFW, DS/DEFS count[,fill],
// ALIGN n, INCLUDE "file", INCBIN "file" (relative to the including file),
// IF/IFDEF/IFNDEF/ELSE/ENDIF, name MACRO params ... ENDM (LOCAL names inside
// are unique per expansion), REPT n ... ENDR (or ENDM), END.
//
// Expressions: + - * / % MOD << >> SHL SHR & AND | OR ^ XOR ~ NOT ! and the
// comparisons = == != <> < <= > >= (true is -1), && ||, parentheses, $ (the
// address of the statement), 'c', and the literals 0FFh, $FF, 0xFF, %1010,
// 0b1010, 1010b, 17o, decimal. Precedence is C's, except that shifts bind
// like multiplication. Two readings follow one oracle where they disagree:
// unary operators bind tightest (binutils; pasmo reads -1+2 as -3), and
// HIGH and LOW apply to the whole rest of the expression (pasmo, where
// HIGH(x)+1 is HIGH(x+1)); parenthesize, (HIGH x)+1, for the other meaning.
// LD A,(expr) is a memory operand, LD A,(expr)+1 an immediate.
//
// Values that decide the layout (ORG, DS, ALIGN, IF, REPT) must be defined
// before they are used; other forward references, chains of EQUs included,
// are resolved by repeating the layout pass.
package asm
