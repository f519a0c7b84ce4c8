package lm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Packed weight bytes worked out by hand: two's complement low bits, LSB
// first.
func TestPackWeightsByHand(t *testing.T) {
	tests := []struct {
		bits int
		w    []int8
		want []byte
	}{
		// codes 10 11 00 01 → 0b01_00_11_10 = 0x4E
		{2, []int8{-2, -1, 0, 1}, []byte{0x4E}},
		// a fifth weight starts a new byte: 1 → 0x01
		{2, []int8{-2, -1, 0, 1, 1}, []byte{0x4E, 0x01}},
		// codes 100 011 111 → bits 0-2 = 4, 3-5 = 3, 6-8 = 7:
		// 4 + 3·8 + (7·64 & 0xFF = 192) = 0xDC, then 7·64 >> 8 = 0x01
		{3, []int8{-4, 3, -1}, []byte{0xDC, 0x01}},
		{8, []int8{-128, 127, -1}, []byte{0x80, 0x7F, 0xFF}},
		// 1-bit weights are -1 or 0: 1 0 1 → 0x05
		{1, []int8{-1, 0, -1}, []byte{0x05}},
		// 4 bits: -8 → 1000, 7 → 0111 → 0x78
		{4, []int8{-8, 7}, []byte{0x78}},
	}
	for _, tt := range tests {
		got := packWeights(tt.w, tt.bits)
		if !bytes.Equal(got, tt.want) {
			t.Errorf("pack %d-bit %v = % X, want % X", tt.bits, tt.w, got, tt.want)
		}
		if back := unpackWeights(got, len(tt.w), tt.bits); !reflect.DeepEqual(back, tt.w) {
			t.Errorf("unpack %d-bit % X = %v, want %v", tt.bits, got, back, tt.w)
		}
	}
	// every value of every width survives a round trip
	for bits := MinBits; bits <= MaxBits; bits++ {
		lo, hi := WeightRange(bits)
		var w []int8
		for v := lo; v <= hi; v++ {
			w = append(w, int8(v), int8(hi+lo-v))
		}
		if back := unpackWeights(packWeights(w, bits), len(w), bits); !reflect.DeepEqual(back, w) {
			t.Errorf("%d-bit round trip: %v → %v", bits, w, back)
		}
	}
}

func smallModel() *Model {
	m := oneLayer("AB\x00", []row{
		{-300, map[int]int8{0: 1, 5: -2, 255: -1}},
		{7, map[int]int8{1: 1, 130: 1}},
		{32767, map[int]int8{2: -1}},
	})
	m.Layers[0].Shift = 3
	m.Meta = Meta{DataHash: "ab12", Epochs: 9, Seed: -4, Metrics: map[string]float64{"int_acc": 0.75}, Source: "test"}
	return m
}

func TestNativeRoundTrip(t *testing.T) {
	for _, m := range []*Model{smallModel(), testModel(9)} {
		data, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if string(data[:8]) != FileMagic || binary.LittleEndian.Uint16(data[8:]) != FileVersion {
			t.Fatalf("header % X", data[:20])
		}
		got, err := Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("round trip differs:\n got %+v\nwant %+v", got, m)
		}
	}
	// 2-bit weights take a quarter byte each: 3×256 weights → 192 bytes
	data, _ := smallModel().Marshal()
	meta := `{"data_hash":"ab12","epochs":9,"seed":-4,"metrics":{"int_acc":0.75},"source":"test"}`
	if want := 20 + 1 + 6 + 2 + 3 + 192 + 6 + 4 + len(meta); len(data) != want {
		t.Errorf("file is %d bytes, want %d", len(data), want)
	}
	if !bytes.HasSuffix(data, []byte(meta)) {
		t.Errorf("metadata not stored as JSON at the end: %q", data[len(data)-len(meta):])
	}
}

// Flipping any bit or byte of a model file must give an error or the very
// same model, and truncating it must give an error; never a panic.
func TestNativeCorruption(t *testing.T) {
	m := smallModel()
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, d []byte) {
		got, err := Unmarshal(d)
		if err == nil && !reflect.DeepEqual(got, m) {
			t.Fatalf("%s: loaded a different model without error", what)
		}
		var fe *FormatError
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("%s: error %v is not a FormatError", what, err)
		}
	}
	for i := range data {
		for _, mask := range []byte{0xFF, 1, 2, 4, 8, 16, 32, 64, 128} {
			d := bytes.Clone(data)
			d[i] ^= mask
			check(fmt.Sprintf("byte %d ^ %02X", i, mask), d)
		}
	}
	for n := 0; n < len(data); n++ {
		if _, err := Unmarshal(data[:n]); err == nil {
			t.Fatalf("truncated to %d bytes: no error", n)
		}
	}
	if _, err := Unmarshal(append(bytes.Clone(data), 0)); err == nil || !strings.Contains(err.Error(), "1 bytes after the payload") {
		t.Errorf("trailing byte: %v", err)
	}
}

func TestNativeErrors(t *testing.T) {
	data, _ := smallModel().Marshal()
	with := func(off int, v uint16) []byte {
		d := bytes.Clone(data)
		binary.LittleEndian.PutUint16(d[off:], v)
		return d
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"newer", with(8, 2), "model file version 2 is newer than this z80lm reads (version 1); update z80lm"},
		{"version 0", with(8, 0), "corrupt model file: version 0"},
		{"flags", with(10, 1), "unknown flags"},
		{"checksum", with(30, 0xBEEF), "checksum mismatch"},
		{"truncated", data[:len(data)-5], "truncated model file: payload is"},
		{"short header", data[:12], "truncated model file: 12 bytes"},
		{"magic", append([]byte("Z80LM\n\n\x1a"), data[8:]...), "not a z80lm model file"},
	}
	for _, tt := range tests {
		_, err := Unmarshal(tt.data)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
	// a well-formed file with an invalid model: checksum fine, Validate not.
	// With one layer the charset starts at payload offset 1+6+2 = 9.
	p := bytes.Clone(data[headerSize:])
	if string(p[9:12]) != "AB\x00" {
		t.Fatalf("charset not at payload offset 9: %q", p[9:12])
	}
	p[10] = 'A'
	h := bytes.Clone(data[:headerSize])
	binary.LittleEndian.PutUint32(h[16:], crc32.ChecksumIEEE(p))
	if _, err := Unmarshal(append(h, p...)); err == nil || !strings.Contains(err.Error(), "invalid model: charset holds 'A' twice") {
		t.Errorf("duplicate charset entry: %v", err)
	}
	// Marshal refuses an invalid model
	m := smallModel()
	m.Layers[0].Shift = 99
	if _, err := m.Marshal(); err == nil {
		t.Error("Marshal of an invalid model: no error")
	}
}

// The payload decoder must name the field it ran out in, whatever the
// checksum says.
func TestDecodePayloadTruncated(t *testing.T) {
	data, _ := smallModel().Marshal()
	p := data[headerSize:]
	for n := 0; n < len(p); n++ {
		if _, err := decodePayload(p[:n]); err == nil {
			t.Fatalf("payload cut to %d bytes: no error", n)
		}
	}
	for n, want := range map[int]string{
		0:   "layer count: needs 1 bytes, 0 left",
		3:   "layer size: needs 2 bytes, 0 left",
		10:  "charset: needs 3 bytes, 1 left",
		12:  "layer 1 weights: needs 192 bytes, 0 left",
		204: "layer 1 biases: needs 6 bytes, 0 left",
		210: "metadata length: needs 4 bytes, 0 left",
		215: "metadata: needs",
	} {
		if _, err := decodePayload(p[:n]); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("cut to %d: got %v, want %q", n, err, want)
		}
	}
	bad := bytes.Clone(p)
	bad[5] = 9 // layer 1 bits
	if _, err := decodePayload(bad); err == nil || !strings.Contains(err.Error(), "layer 1: weight width 9 bits") {
		t.Errorf("9-bit layer: %v", err)
	}
}

func TestSaveIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.model")
	m := smallModel()
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	bad := smallModel()
	bad.Layers[0].B = nil
	if err := bad.Save(path); err == nil || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("saving an invalid model: %v", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("a failed save changed the existing file")
	}
	if err := m.Save(filepath.Join(dir, "missing", "m.model")); err == nil {
		t.Error("save into a missing directory: no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only m.model (no temporary files)", names)
	}
}

func FuzzUnmarshal(f *testing.F) {
	d, _ := smallModel().Marshal()
	f.Add(d)
	d, _ = testModel(3).Marshal()
	f.Add(d)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Unmarshal(data)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("Unmarshal returned an invalid model: %v", err)
		}
		if _, err := m.Marshal(); err != nil {
			t.Fatalf("accepted model does not marshal: %v", err)
		}
	})
}

// FuzzDecodePayload skips the checksum so that the fuzzer reaches the
// field decoder.
func FuzzDecodePayload(f *testing.F) {
	d, _ := smallModel().Marshal()
	f.Add(d[headerSize:])
	f.Fuzz(func(t *testing.T, p []byte) {
		if m, err := decodePayload(p); err == nil {
			m.Validate()
		}
	})
}
