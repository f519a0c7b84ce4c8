package lm

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"z80lm/internal/atomicfile"
)

// The native model file (all integers little-endian):
//
//	header (20 bytes)
//	  magic    [8]byte "Z80LM\r\n\x1a" (the CR LF and ^Z expose text-mode mangling)
//	  version  uint16  FileVersion
//	  flags    uint16  0 (reserved)
//	  length   uint32  payload bytes
//	  crc      uint32  CRC-32 (IEEE) of the payload
//	payload
//	  layers   uint8   number of layers, then per layer:
//	    in, out uint16, bits uint8 (1..8), shift uint8
//	  charset  uint16 length, then the bytes (EOS last)
//	  per layer: weights, row-major, each as its low `bits` bits
//	    (two's complement), packed LSB first, the layer padded to a whole
//	    byte; then `out` int16 biases
//	  meta     uint32 length, then Meta as JSON
//
// Readers reject newer versions; any version change that old readers could
// misread must bump FileVersion.
const (
	FileMagic   = "Z80LM\r\n\x1a"
	FileVersion = 1

	headerSize = 20
	// maxFileSize bounds what Load reads; a 256×256×… 8-bit model is far smaller.
	maxFileSize = 64 << 20
)

// Marshal encodes a valid model in the native format.
func (m *Model) Marshal() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	meta, err := json.Marshal(m.Meta)
	if err != nil {
		return nil, fmt.Errorf("model metadata: %v", err)
	}
	var p []byte
	if len(m.Layers) > 255 || len(m.Charset) > 0xffff {
		return nil, errors.New("model too large for the file format")
	}
	p = append(p, byte(len(m.Layers)))
	for _, l := range m.Layers {
		if l.In > 0xffff || l.Out > 0xffff {
			return nil, fmt.Errorf("layer %d×%d too large for the file format", l.Out, l.In)
		}
		p = binary.LittleEndian.AppendUint16(p, uint16(l.In))
		p = binary.LittleEndian.AppendUint16(p, uint16(l.Out))
		p = append(p, byte(l.Bits), byte(l.Shift))
	}
	p = binary.LittleEndian.AppendUint16(p, uint16(len(m.Charset)))
	p = append(p, m.Charset...)
	for _, l := range m.Layers {
		p = append(p, packWeights(l.W, l.Bits)...)
		for _, b := range l.B {
			p = binary.LittleEndian.AppendUint16(p, uint16(b))
		}
	}
	p = binary.LittleEndian.AppendUint32(p, uint32(len(meta)))
	p = append(p, meta...)

	h := make([]byte, 0, headerSize+len(p))
	h = append(h, FileMagic...)
	h = binary.LittleEndian.AppendUint16(h, FileVersion)
	h = binary.LittleEndian.AppendUint16(h, 0)
	h = binary.LittleEndian.AppendUint32(h, uint32(len(p)))
	h = binary.LittleEndian.AppendUint32(h, crc32.ChecksumIEEE(p))
	return append(h, p...), nil
}

// packedSize is the number of bytes n weights of the given width occupy.
func packedSize(n, bits int) int { return (n*bits + 7) / 8 }

func packWeights(w []int8, bits int) []byte {
	out := make([]byte, packedSize(len(w), bits))
	mask := uint(1)<<bits - 1
	for i, v := range w {
		bit := i * bits
		u := (uint(uint8(v)) & mask) << (bit % 8)
		out[bit/8] |= byte(u)
		if u > 0xff {
			out[bit/8+1] |= byte(u >> 8)
		}
	}
	return out
}

func unpackWeights(p []byte, n, bits int) []int8 {
	w := make([]int8, n)
	mask := uint(1)<<bits - 1
	sign := uint(1) << (bits - 1)
	for i := range w {
		bit := i * bits
		u := uint(p[bit/8])
		if bit/8+1 < len(p) {
			u |= uint(p[bit/8+1]) << 8
		}
		u = u >> (bit % 8) & mask
		v := int(u)
		if u&sign != 0 {
			v -= 1 << bits
		}
		w[i] = int8(v)
	}
	return w
}

// A FormatError describes a native model file that cannot be read.
type FormatError struct{ Msg string }

func (e *FormatError) Error() string { return e.Msg }

func formatErr(format string, a ...any) error { return &FormatError{fmt.Sprintf(format, a...)} }

// Unmarshal decodes a native model file and validates the model.
func Unmarshal(data []byte) (*Model, error) {
	if len(data) < len(FileMagic) || string(data[:len(FileMagic)]) != FileMagic {
		return nil, formatErr("not a z80lm model file (bad magic)")
	}
	if len(data) < headerSize {
		return nil, formatErr("truncated model file: %d bytes, the header alone is %d", len(data), headerSize)
	}
	le := binary.LittleEndian
	switch v := le.Uint16(data[8:]); {
	case v > FileVersion:
		return nil, formatErr("model file version %d is newer than this z80lm reads (version %d); update z80lm", v, FileVersion)
	case v < 1:
		return nil, formatErr("corrupt model file: version 0")
	}
	if f := le.Uint16(data[10:]); f != 0 {
		return nil, formatErr("corrupt model file: unknown flags %04X", f)
	}
	plen := int64(le.Uint32(data[12:]))
	switch have := int64(len(data) - headerSize); {
	case have < plen:
		return nil, formatErr("truncated model file: payload is %d bytes, header says %d", have, plen)
	case have > plen:
		return nil, formatErr("corrupt model file: %d bytes after the payload", have-plen)
	}
	p := data[headerSize:]
	if crc32.ChecksumIEEE(p) != le.Uint32(data[16:]) {
		return nil, formatErr("corrupt model file: checksum mismatch")
	}
	m, err := decodePayload(p)
	if err != nil {
		return nil, formatErr("corrupt model file: %v", err)
	}
	if err := m.Validate(); err != nil {
		return nil, formatErr("invalid model: %v", err)
	}
	return m, nil
}

// payloadReader reads fields, remembering the first overrun.
type payloadReader struct {
	p   []byte
	err error
}

func (r *payloadReader) take(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.p) {
		r.err = fmt.Errorf("%s: needs %d bytes, %d left", what, n, len(r.p))
		return nil
	}
	b := r.p[:n]
	r.p = r.p[n:]
	return b
}

func (r *payloadReader) u8(what string) int {
	if b := r.take(1, what); b != nil {
		return int(b[0])
	}
	return 0
}

func (r *payloadReader) u16(what string) int {
	if b := r.take(2, what); b != nil {
		return int(binary.LittleEndian.Uint16(b))
	}
	return 0
}

func decodePayload(p []byte) (*Model, error) {
	r := &payloadReader{p: p}
	m := &Model{}
	n := r.u8("layer count")
	for k := 0; k < n && r.err == nil; k++ {
		l := Layer{In: r.u16("layer size"), Out: r.u16("layer size"), Bits: r.u8("bits")}
		l.Shift = uint(r.u8("shift"))
		if r.err == nil && (l.Bits < MinBits || l.Bits > MaxBits) {
			return nil, fmt.Errorf("layer %d: weight width %d bits", k+1, l.Bits)
		}
		m.Layers = append(m.Layers, l)
	}
	m.Charset = bytes.Clone(r.take(r.u16("charset length"), "charset"))
	for k := range m.Layers {
		l := &m.Layers[k]
		w := r.take(packedSize(l.In*l.Out, l.Bits), fmt.Sprintf("layer %d weights", k+1))
		b := r.take(2*l.Out, fmt.Sprintf("layer %d biases", k+1))
		if r.err != nil {
			return nil, r.err
		}
		l.W = unpackWeights(w, l.In*l.Out, l.Bits)
		l.B = make([]int16, l.Out)
		for i := range l.B {
			l.B[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
		}
	}
	mlen := r.take(4, "metadata length")
	if r.err != nil {
		return nil, r.err
	}
	meta := r.take(int(binary.LittleEndian.Uint32(mlen)), "metadata")
	if r.err != nil {
		return nil, r.err
	}
	if len(r.p) != 0 {
		return nil, fmt.Errorf("%d unexpected bytes after the metadata", len(r.p))
	}
	if err := json.Unmarshal(meta, &m.Meta); err != nil {
		return nil, fmt.Errorf("metadata: %v", err)
	}
	return m, nil
}

// Save writes m in the native format to path, through a temporary file in
// the same directory that is renamed into place, so that path never holds
// a partial model.
func (m *Model) Save(path string) error {
	data, err := m.Marshal()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := atomicfile.WriteBytes(path, data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// Load reads a model from a native model file or an original model.npz,
// telling them apart by their first bytes.
func Load(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	head := make([]byte, len(FileMagic))
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return ReadNPZ(f, st.Size(), path)
	case string(head) == FileMagic:
		if st.Size() > maxFileSize {
			return nil, fmt.Errorf("%s: model file of %d bytes is implausibly large", path, st.Size())
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		m, err := Unmarshal(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("%s: neither a z80lm model file nor a model.npz (starts with %q)", path, head)
}
