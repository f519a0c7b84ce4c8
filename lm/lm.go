// Package lm is the specification of what a z80lm model computes: the
// character set, the trigram query encoder, the n-gram context encoder and
// the 16-bit integer inference that the trainer simulates and the Z80 runs.
//
// Everything here follows the "v1" semantics of the original Z80-μLM project
// (see DESIGN.md, "Compatible semantics"), so its model.npz files give the
// same replies. The trainer, the code generator and the web page must agree
// with this package to the bit.
package lm

const (
	QueryBuckets   = 128 // inputs 0..127: hashed query trigrams
	ContextBuckets = 128 // inputs 128..255: hashed n-grams of the reply so far
	InputSize      = QueryBuckets + ContextBuckets
	ContextLen     = 8  // the context encoder sees the last 8 reply characters
	MaxReply       = 50 // generation stops after this many characters
	InputScale     = 32 // an input value is its bucket count × 32
	EOS            = 0  // end-of-reply byte; always the last charset entry

	MaxQuery = 60 // data loader cuts inputs to this many characters
)

// A Layer is one fully connected layer of the integer network:
//
//	acc[o] = Σ_i W[o*In+i]·x[i] + B[o]   (16-bit two's complement, wrapping)
//	out[o] = acc[o] >> Shift             (arithmetic: floor)
//	out[o] = max(out[o], 0)              (every layer but the last)
type Layer struct {
	In, Out int
	Bits    int     // weight width in bits; 2 means W ∈ {-2,-1,0,+1}
	Shift   uint    // arithmetic right shift applied to the accumulator
	W       []int8  // Out×In, row-major: W[o*In+i]
	B       []int16 // Out
}

// WeightRange returns the smallest and largest weight a layer of the given
// bit width may hold (two's complement: 2 bits → -2..1).
func WeightRange(bits int) (lo, hi int) {
	return -(1 << (bits - 1)), 1<<(bits-1) - 1
}

// A Model is a trained network with its character set.
type Model struct {
	// Charset lists the reply characters by output index; the last entry
	// is EOS (byte 0).
	Charset []byte
	Layers  []Layer
	Meta    Meta
}

// Meta is descriptive information carried by native model files.
type Meta struct {
	DataHash string             `json:"data_hash,omitempty"` // hex SHA-256 of the training data
	Epochs   int                `json:"epochs,omitempty"`
	Seed     int64              `json:"seed,omitempty"`
	Metrics  map[string]float64 `json:"metrics,omitempty"`
	Source   string             `json:"source,omitempty"` // e.g. "npz:model.npz" or "z80lm train"
}

// EOSIndex is the output index of EOS: the last class.
func (m *Model) EOSIndex() int { return len(m.Charset) - 1 }

// HiddenSizes returns the output widths of all layers but the last.
func (m *Model) HiddenSizes() []int {
	var h []int
	for _, l := range m.Layers[:len(m.Layers)-1] {
		h = append(h, l.Out)
	}
	return h
}

// Params is the number of weights and biases.
func (m *Model) Params() int {
	n := 0
	for _, l := range m.Layers {
		n += l.In*l.Out + l.Out
	}
	return n
}
