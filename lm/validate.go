package lm

import (
	"errors"
	"fmt"
)

// Limits of the model format. MaxShift keeps a shift meaningful for a
// 16-bit accumulator.
const (
	MinBits  = 1
	MaxBits  = 8
	MaxShift = 15
)

// SupportedBits reports whether inference and code generation handle
// weights of this width. v1 models are 2-bit; the file format already
// carries 1..8 so that mixed precision needs no format change.
func SupportedBits(bits int) bool { return bits == 2 }

// Validate checks that m is a model this package can run: the first layer
// takes the InputSize inputs, layer sizes chain, every array has its
// layer's shape, bit widths and shifts are in range, every weight fits its
// bit width, and the charset matches the output layer, holds distinct
// printable ASCII characters and ends with EOS.
func (m *Model) Validate() error {
	if len(m.Layers) == 0 {
		return errors.New("model has no layers")
	}
	for k := range m.Layers {
		if err := m.Layers[k].validate(k); err != nil {
			return err
		}
	}
	if in := m.Layers[0].In; in != InputSize {
		return fmt.Errorf("layer 1 takes %d inputs, want %d (128 query + 128 context buckets)", in, InputSize)
	}
	for k := 1; k < len(m.Layers); k++ {
		if prev, in := m.Layers[k-1].Out, m.Layers[k].In; prev != in {
			return fmt.Errorf("layer %d takes %d inputs but layer %d has %d outputs", k+1, in, k, prev)
		}
	}
	return checkCharset(m.Charset, m.Layers[len(m.Layers)-1].Out)
}

func (l *Layer) validate(k int) error {
	n := k + 1
	switch {
	case l.In < 1 || l.Out < 1:
		return fmt.Errorf("layer %d: size %d×%d", n, l.Out, l.In)
	case len(l.W) != l.In*l.Out:
		return fmt.Errorf("layer %d: %d weights, want %d×%d = %d", n, len(l.W), l.Out, l.In, l.In*l.Out)
	case len(l.B) != l.Out:
		return fmt.Errorf("layer %d: %d biases, want %d", n, len(l.B), l.Out)
	case l.Bits < MinBits || l.Bits > MaxBits:
		return fmt.Errorf("layer %d: weight width %d bits, want %d..%d", n, l.Bits, MinBits, MaxBits)
	case !SupportedBits(l.Bits):
		return fmt.Errorf("layer %d: %d-bit weights are not supported yet (only 2-bit)", n, l.Bits)
	case l.Shift > MaxShift:
		return fmt.Errorf("layer %d: shift %d, want 0..%d", n, l.Shift, MaxShift)
	}
	lo, hi := WeightRange(l.Bits)
	for i, w := range l.W {
		if int(w) < lo || int(w) > hi {
			return fmt.Errorf("layer %d: weight [%d][%d] = %d is outside the %d-bit range %d..%d",
				n, i/l.In, i%l.In, w, l.Bits, lo, hi)
		}
	}
	return nil
}

func checkCharset(cs []byte, classes int) error {
	if len(cs) != classes {
		return fmt.Errorf("charset has %d entries (with EOS) but the output layer has %d", len(cs), classes)
	}
	if cs[len(cs)-1] != EOS {
		return errors.New("charset does not end with EOS (byte 0)")
	}
	var seen [256]bool
	for i, c := range cs[:len(cs)-1] {
		switch {
		case c < 0x20 || c > 0x7e:
			return fmt.Errorf("charset entry %d is byte 0x%02X, not printable ASCII", i, c)
		case seen[c]:
			return fmt.Errorf("charset holds %s twice", quoteByte(c))
		}
		seen[c] = true
	}
	return nil
}
