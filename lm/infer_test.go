package lm

import (
	"strings"
	"testing"
)

func TestForwardEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		w     []int8
		b     int16
		x     []int16
		shift uint
		last  bool
		want  int16
	}{
		{"-1>>2 floors to -1", []int8{0}, -1, []int16{0}, 2, true, -1},
		{"-5>>2 floors to -2", []int8{0}, -5, []int16{0}, 2, true, -2},
		{"-4>>2 = -1", []int8{0}, -4, []int16{0}, 2, true, -1},
		{"3>>2 = 0", []int8{0}, 3, []int16{0}, 2, true, 0},
		{"shift 0 keeps", []int8{0}, -5, []int16{0}, 0, true, -5},
		{"ReLU on hidden layers", []int8{0}, -5, []int16{0}, 2, false, 0},
		// 32767 + 1 wraps to -32768; -32768 >> 2 = -8192
		{"32767+1 wraps", []int8{1}, 32767, []int16{1}, 2, true, -8192},
		{"wrap then ReLU", []int8{1}, 32767, []int16{1}, 2, false, 0},
		// (-2)·(-16384) = 32768 wraps to -32768
		{"-2·-16384 wraps", []int8{-2}, 0, []int16{-16384}, 2, true, -8192},
		// -32768 - 1 wraps to 32767; 32767 >> 2 = 8191
		{"-32768-1 wraps", []int8{-1}, -32768, []int16{1}, 2, true, 8191},
		// wrapping back into range mid-sum gives the exact result
		{"transient wrap", []int8{1, -1}, 32767, []int16{100, 100}, 0, true, 32767},
		// 2·32 - 2·32 + 1·64 - 1 = 63 >> 2 = 15
		{"mixed weights", []int8{1, 1, -2, 1, -1, 0}, -1, []int16{32, 32, 32, 64, 0, 99}, 2, true, 15},
	}
	for _, tt := range tests {
		l := Layer{In: len(tt.x), Out: 1, Bits: 2, Shift: tt.shift, W: tt.w, B: []int16{tt.b}}
		out := []int16{123}
		l.Forward(tt.x, out, tt.last)
		if out[0] != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, out[0], tt.want)
		}
	}
}

func TestArgmax(t *testing.T) {
	tests := []struct {
		v    []int16
		want int
	}{
		{[]int16{7}, 0},
		{[]int16{3, 5, 5}, 1},         // first maximum wins
		{[]int16{-3, -3, -3}, 0},      // all equal
		{[]int16{-1, -2}, 0},          // negative values
		{[]int16{-1, 1}, 1},           // signed: 0xFFFF is -1, not 65535
		{[]int16{-32768, 32767}, 1},   // extremes
		{[]int16{32767, -32768}, 0},   // 0x8000 is not larger than 0x7FFF
		{[]int16{0, -32768, 0, 1}, 3}, // last element
		{[]int16{-5, -4, -4, -20}, 1}, // first of two negative maxima
	}
	for _, tt := range tests {
		if got := Argmax(tt.v); got != tt.want {
			t.Errorf("Argmax(%v) = %d, want %d", tt.v, got, tt.want)
		}
	}
}

// oneLayer builds a valid single-layer model (256 inputs → charset) whose
// rows are given as bias and sparse weights.
func oneLayer(charset string, rows []struct {
	b int16
	w map[int]int8
}) *Model {
	l := Layer{In: InputSize, Out: len(rows), Bits: 2, Shift: 2, W: make([]int8, InputSize*len(rows)), B: make([]int16, len(rows))}
	for o, r := range rows {
		l.B[o] = r.b
		for i, w := range r.w {
			l.W[o*InputSize+i] = w
		}
	}
	return &Model{Charset: []byte(charset), Layers: []Layer{l}}
}

type row = struct {
	b int16
	w map[int]int8
}

func TestReplyGeneration(t *testing.T) {
	// 'A' always scores 8>>2 = 2. 'B' reads context bucket 80 (1-gram 'a'
	// at position 7, see TestContextBucketByHand) and EOS bucket 81 ('b' at
	// 7). By hand, bucket 80 is hit only by the window "       a" and 81
	// only by "      ab", so the reply is "AB": step 0 A=2 B=0 EOS=0;
	// step 1 B = 32>>2 = 8; step 2 EOS = 8.
	m := oneLayer("AB\x00", []row{
		{8, nil},
		{0, map[int]int8{QueryBuckets + 80: 1}},
		{0, map[int]int8{QueryBuckets + 81: 1}},
	})
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	var steps []int
	got := NewRunner(m).Reply("ANY QUERY", func(step, idx int) { steps = append(steps, idx) })
	if got != "AB" || len(steps) != 3 || steps[2] != 2 {
		t.Errorf("reply %q, steps %v; want \"AB\", [0 1 2]", got, steps)
	}

	// Ties go to the first index; without EOS the reply stops at 50.
	m = oneLayer("XY\x00", []row{{4, nil}, {4, nil}, {0, nil}})
	if got := m.Reply("HI"); got != strings.Repeat("X", MaxReply) {
		t.Errorf("tie without EOS: %q, want 50 × X", got)
	}
	// EOS first: empty reply after one step.
	m = oneLayer("XY\x00", []row{{0, nil}, {0, nil}, {4, nil}})
	n := 0
	if got := NewRunner(m).Reply("HI", func(int, int) { n++ }); got != "" || n != 1 {
		t.Errorf("EOS first: %q after %d steps, want \"\" after 1", got, n)
	}
	// The query half is used: " hi" is bucket 33 (TestQueryBucketByHand).
	m = oneLayer("QR\x00", []row{{0, map[int]int8{33: 1}}, {4, nil}, {0, map[int]int8{QueryBuckets + 80: 1, QueryBuckets + 81: 1}}})
	if got := m.Reply("HI"); !strings.HasPrefix(got, "Q") {
		t.Errorf("query HI: %q, want it to start with Q (32>>2 = 8 beats 1)", got)
	}
	if got := m.Reply("NO"); !strings.HasPrefix(got, "R") {
		t.Errorf("query NO: %q, want it to start with R", got)
	}
}

// The empty query with an empty reply gives one step whose context
// buckets are those of TestEmptyContextByHand: bucket 0 holds 32, 32 holds
// 64, 14 holds 32.
func TestOverflowCounts(t *testing.T) {
	c := QueryBuckets
	m := oneLayer("ABCD\x00", []row{
		{32767, map[int]int8{c + 0: 1}},             // 32799: wrapped
		{29428, map[int]int8{c + 32: 1}},            // 29492: near (exactly at the limit)
		{32767, map[int]int8{c + 0: 1, c + 14: -2}}, // 32799 then 32735: transient and near
		{-32768, nil}, // -32768: fits, near
		{29427, map[int]int8{c + 32: 1, c + 121: -1}}, // 29459: below the limit
	})
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	rep, err := Overflow(m, []string{""}, []string{""})
	if err != nil {
		t.Fatal(err)
	}
	want := LayerOverflow{Accumulators: 5, Wrapped: 1, Near: 3, Transient: 1, MaxAbs: 32799}
	if rep.Steps != 1 || len(rep.Layers) != 1 || rep.Layers[0] != want {
		t.Errorf("got %+v, want 1 step and %+v", rep, want)
	}
	if !strings.Contains(rep.String(), "1                 5         1         3         1    32799") {
		t.Errorf("report text:\n%s", rep)
	}
	// teacher forcing: a 3-character reply is 4 steps; 60 characters are capped at 50
	rep, _ = Overflow(m, []string{"A", "B"}, []string{"ABC", strings.Repeat("D", 60)})
	if rep.Steps != 4+MaxReply || rep.Layers[0].Accumulators != 5*(4+MaxReply) {
		t.Errorf("steps %d, accumulators %d; want %d, %d", rep.Steps, rep.Layers[0].Accumulators, 4+MaxReply, 5*(4+MaxReply))
	}
	if _, err := Overflow(m, []string{"A"}, nil); err == nil {
		t.Error("mismatched query and reply counts: no error")
	}
}

func TestShapes(t *testing.T) {
	m := testModel(1) // 256 → 4 → 3
	if got, want := m.Params(), 256*4+4+4*3+3; got != want {
		t.Errorf("Params = %d, want %d", got, want)
	}
	if h := m.HiddenSizes(); len(h) != 1 || h[0] != 4 || m.EOSIndex() != 2 {
		t.Errorf("HiddenSizes %v, EOSIndex %d; want [4], 2", h, m.EOSIndex())
	}
}

func TestValidate(t *testing.T) {
	good := func() *Model {
		return oneLayer("AB\x00", []row{{0, nil}, {0, nil}, {0, nil}})
	}
	tests := []struct {
		name   string
		mutate func(m *Model)
		want   string
	}{
		{"no layers", func(m *Model) { m.Layers = nil }, "no layers"},
		{"input size", func(m *Model) { l := &m.Layers[0]; l.In = 128; l.W = l.W[:128*3] }, "takes 128 inputs, want 256"},
		{"weights", func(m *Model) { m.Layers[0].W = m.Layers[0].W[1:] }, "767 weights, want 3×256"},
		{"biases", func(m *Model) { m.Layers[0].B = nil }, "0 biases, want 3"},
		{"bits 0", func(m *Model) { m.Layers[0].Bits = 0 }, "weight width 0 bits, want 1..8"},
		{"bits 4", func(m *Model) { m.Layers[0].Bits = 4 }, "4-bit weights are not supported yet"},
		{"shift", func(m *Model) { m.Layers[0].Shift = 16 }, "shift 16, want 0..15"},
		{"weight range", func(m *Model) { m.Layers[0].W[256+5] = 2 }, "weight [1][5] = 2 is outside the 2-bit range -2..1"},
		{"charset size", func(m *Model) { m.Charset = []byte("A\x00") }, "charset has 2 entries (with EOS) but the output layer has 3"},
		{"no EOS", func(m *Model) { m.Charset = []byte("ABC") }, "does not end with EOS"},
		{"duplicate", func(m *Model) { m.Charset = []byte("AA\x00") }, "holds 'A' twice"},
		{"control char", func(m *Model) { m.Charset = []byte("A\n\x00") }, "byte 0x0A, not printable ASCII"},
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("valid model: %v", err)
	}
	for _, tt := range tests {
		m := good()
		tt.mutate(m)
		err := m.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
	// chained layers must agree on sizes
	m := good()
	m.Layers = append([]Layer{{In: 256, Out: 4, Bits: 2, Shift: 2, W: make([]int8, 1024), B: make([]int16, 4)}}, m.Layers...)
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "layer 2 takes 256 inputs but layer 1 has 4 outputs") {
		t.Errorf("size chain: %v", err)
	}
}
