package cpm

import (
	"errors"
	"io"
	"testing"
)

// BenchmarkMachine: emulated T-states per host second for a loop that
// adds (ADD HL,DE 11 T; DJNZ 13 T) 256 times and then prints a dot
// through BDOS 2, as a chat program alternates work and output.
func BenchmarkMachine(b *testing.B) {
	p := prog{0x06, 0x00}     // 0100: LD B,0          7
	p = append(p, 0x19)       // 0102: ADD HL,DE      11
	p = append(p, 0x10, 0xFD) // 0103: DJNZ 0102h 13/8
	p = p.ldE('.').ldC(2).call(5)
	p = append(p, 0x18, 0xF2) // 010C: JR 0100h   12
	const slice = 10_000_000
	var total uint64
	for b.Loop() {
		m, err := New(Config{Program: p, Output: io.Discard, MaxTStates: slice})
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Run(); !errors.Is(err, ErrTStateLimit) {
			b.Fatal(err)
		}
		total += m.CPU.T
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "T/s")
}
