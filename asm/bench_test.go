package asm

import (
	"fmt"
	"strings"
	"testing"
)

// program40K returns a source like the code generator's: a little code
// and about 40 KB of weights as DB lines of 16 bytes.
func program40K() []byte {
	var b strings.Builder
	b.WriteString("\torg 100h\nstart:\tld hl,weights\n\tld de,buffer\n\tld bc,len\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "step%d:\tld a,(ix+%d)\n\tadd a,(hl)\n\tinc hl\n\tdjnz step%d\n\tjp nz,step%d\n", i, i%128, i, i)
	}
	b.WriteString("\tret\nweights:\n")
	for i := 0; i < 2500; i++ {
		b.WriteString("\tDB ")
		for j := 0; j < 16; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "0%02Xh", (i*16+j)*37&0xFF)
		}
		b.WriteByte('\n')
	}
	b.WriteString("len\tequ $-weights\nbuffer:\tds 256\n")
	return []byte(b.String())
}

func BenchmarkAssemble40K(b *testing.B) {
	src := program40K()
	p, err := Assemble("bench.asm", src, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(p.Bytes)), "out-bytes")
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Assemble("bench.asm", src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
