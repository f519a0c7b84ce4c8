package codegen

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// FuzzBuild compiles small random networks, shaped by the fuzzer's bytes
// (hidden widths up to 256, shifts, weight density, bias range, kernels,
// whether layer 1 may count its query half),
// and requires the Z80's replies to equal the Go reference's.
func FuzzBuild(f *testing.F) {
	f.Add(uint64(1), uint8(2), uint8(40), uint8(9), uint8(2), uint8(3), uint16(300), uint8(0))
	f.Add(uint64(2), uint8(1), uint8(255), uint8(0), uint8(0), uint8(6), uint16(30000), uint8(1))
	f.Add(uint64(3), uint8(3), uint8(127), uint8(200), uint8(5), uint8(1), uint16(20), uint8(2))
	f.Add(uint64(4), uint8(2), uint8(99), uint8(30), uint8(1), uint8(2), uint16(500), uint8(4))
	f.Fuzz(func(t *testing.T, seed uint64, layers, w1, w2, shift, density uint8, bias uint16, kernel uint8) {
		rng := rand.New(rand.NewPCG(seed, binary.LittleEndian.Uint64([]byte("z80lmfzz"))))
		hidden := []int{1 + int(w1), 1 + int(w2)}[:min(int(layers%3), 2)]
		m := randomModel(rng, hidden, 2+rng.IntN(12), float64(1+density%8)/10, 1+int(bias))
		for k := range m.Layers {
			m.Layers[k].Shift = uint(shift%8+uint8(k)) % 8
		}
		if l := &m.Layers[0]; kernel&4 != 0 && len(m.Layers) > 1 {
			for o := range l.B { // a layer 1 that counts its query half (see qCounts)
				l.B[o] %= 32
			}
			l.Shift %= 6
		}
		p, err := Build(m, Options{Kernel: Kernel(kernel % 3)})
		if err != nil {
			t.Skip(err) // too large for the TPA, or a column too long for the fast kernel
		}
		qs := randomQueries(rng, 3)
		replies, _ := chat(t, p.COM, qs, nil)
		for i, q := range qs {
			if want := reference(m, q); replies[i] != want {
				t.Fatalf("%d hidden %v, kernels %s: %q: Z80 %q, reference %q", len(hidden), hidden, p.KernelSummary(), q, replies[i], want)
			}
		}
	})
}
