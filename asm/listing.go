package asm

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// listLine is one source line of the listing with the bytes it produced.
type listLine struct {
	file       string
	line       int
	text       string
	macro      bool // produced by a macro or REPT expansion
	origin     int  // line of the main file being assembled when this line ran
	addr       int
	hasAddr    bool
	start, end int // range in Program.listData
	value      int64
	hasValue   bool // EQU/DEFL: show the value instead of an address
	short      bool // DS/ALIGN: show only the first bytes
}

// listBytesPerLine is how many bytes a listing line shows; longer data
// continues on following lines without source text.
const listBytesPerLine = 4

// Listing returns the assembly listing: for each source line its address,
// the bytes it produced (in hex) and the source text. Lines produced by
// macro and REPT expansions are marked with '+'.
func (p *Program) Listing() []byte {
	var b bytes.Buffer
	file := ""
	for _, l := range p.list {
		if l.file != file {
			file = l.file
			fmt.Fprintf(&b, "; file %s\n", file)
		}
		data := p.listData[l.start:l.end]
		head := data
		if len(head) > listBytesPerLine {
			head = head[:listBytesPerLine]
		}
		mark := ' '
		if l.macro {
			mark = '+'
		}
		switch {
		case l.hasValue:
			fmt.Fprintf(&b, "%5d  =%04X %-*s%c %s\n", l.line, uint16(l.value), listBytesPerLine*3, "", mark, l.text)
		case l.hasAddr:
			fmt.Fprintf(&b, "%5d  %04X  %-*s%c %s\n", l.line, l.addr, listBytesPerLine*3, hexBytes(head), mark, l.text)
		default:
			fmt.Fprintf(&b, "%5d  %4s  %-*s%c %s\n", l.line, "", listBytesPerLine*3, "", mark, l.text)
		}
		if l.short {
			continue
		}
		for i := listBytesPerLine; i < len(data); i += listBytesPerLine {
			chunk := data[i:min(i+listBytesPerLine, len(data))]
			fmt.Fprintf(&b, "%5s  %04X  %s\n", "", (l.addr+i)&0xFFFF, strings.TrimSpace(hexBytes(chunk)))
		}
	}
	return b.Bytes()
}

func hexBytes(b []byte) string {
	var s []byte
	for _, c := range b {
		s = fmt.Appendf(s, "%02X ", c)
	}
	return string(s)
}

// SymbolFile returns the symbols as EQU lines sorted by value (the address
// of a label), then by name, so that the file can be included by another
// source.
func (p *Program) SymbolFile() []byte {
	names := make([]string, 0, len(p.Symbols))
	for n := range p.Symbols {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		vi, vj := uint16(p.Symbols[names[i]]), uint16(p.Symbols[names[j]])
		if vi != vj {
			return vi < vj
		}
		return names[i] < names[j]
	})
	var b bytes.Buffer
	for _, n := range names {
		fmt.Fprintf(&b, "%-24s EQU 0%04XH\n", n, uint16(p.Symbols[n]))
	}
	return b.Bytes()
}
