package lm

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// npy builds a .npy file by hand (format 1.0): magic, header dict padded
// with spaces to a multiple of 64 bytes and ended by '\n', then data.
func npy(descr string, fortran bool, shape string, data []byte) []byte {
	fo := "False"
	if fortran {
		fo = "True"
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, fo, shape)
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	return npyRaw(h+"\n", data)
}

// npyRaw builds a .npy file with the header text as given.
func npyRaw(h string, data []byte) []byte {
	b := []byte("\x93NUMPY\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(h)))
	return append(append(b, h...), data...)
}

// encode writes integers as the given numpy dtype.
func encode(descr string, v []int64) []byte {
	var b []byte
	for _, x := range v {
		switch descr {
		case "|i1", "|u1":
			b = append(b, byte(x))
		case "<i2":
			b = binary.LittleEndian.AppendUint16(b, uint16(x))
		case "<i4":
			b = binary.LittleEndian.AppendUint32(b, uint32(x))
		case "<i8":
			b = binary.LittleEndian.AppendUint64(b, uint64(x))
		case "<f4":
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(x)))
		default:
			panic(descr)
		}
	}
	return b
}

type npzEntry struct {
	name string
	data []byte
}

func zipNPZ(t testing.TB, method uint16, entries []npzEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name + ".npy", Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testModel is a random valid two-layer model: 256 → 4 → 3 ("HI" + EOS).
func testModel(seed uint64) *Model {
	rng := rand.New(rand.NewPCG(seed, 7))
	m := &Model{Charset: []byte("HI\x00")}
	for _, sz := range [][2]int{{256, 4}, {4, 3}} {
		l := Layer{In: sz[0], Out: sz[1], Bits: 2, Shift: 2, W: make([]int8, sz[0]*sz[1]), B: make([]int16, sz[1])}
		for i := range l.W {
			l.W[i] = int8(rng.IntN(4) - 2)
		}
		for i := range l.B {
			l.B[i] = int16(rng.IntN(65536) - 32768)
		}
		m.Layers = append(m.Layers, l)
	}
	return m
}

// npzEntries lays out m as the original project's np.savez would, with
// the weights and biases stored in the given dtypes.
func npzEntries(m *Model, wdt, bdt string) []npzEntry {
	var es []npzEntry
	for k, l := range m.Layers {
		w := make([]int64, len(l.W))
		for i, v := range l.W {
			w[i] = int64(v)
		}
		b := make([]int64, len(l.B))
		for i, v := range l.B {
			b[i] = int64(v)
		}
		es = append(es,
			npzEntry{fmt.Sprintf("fc%d_weight", k+1), npy(wdt, false, fmt.Sprintf("(%d, %d)", l.Out, l.In), encode(wdt, w))},
			npzEntry{fmt.Sprintf("fc%d_bias", k+1), npy(bdt, false, fmt.Sprintf("(%d,)", l.Out), encode(bdt, b))})
	}
	arch := `{"input_size": 256, "hidden_sizes": [4], "num_classes": 3}`
	es = append(es,
		npzEntry{"_architecture", npy(fmt.Sprintf("|S%d", len(arch)), false, "()", []byte(arch))},
		npzEntry{"_charset", npy("|S3", false, "()", m.Charset)})
	return es
}

func TestReadNPZRoundTrip(t *testing.T) {
	m := testModel(1)
	for _, dt := range [][2]string{{"|i1", "<i2"}, {"<i2", "<i4"}, {"<i4", "<i8"}, {"<i8", "<f4"}, {"<f4", "<i2"}} {
		for _, method := range []uint16{zip.Store, zip.Deflate} {
			data := zipNPZ(t, method, npzEntries(m, dt[0], dt[1]))
			got, err := ReadNPZ(bytes.NewReader(data), int64(len(data)), "m.npz")
			if err != nil {
				t.Fatalf("%v, method %d: %v", dt, method, err)
			}
			got.Meta = Meta{}
			if !reflect.DeepEqual(got, m) {
				t.Fatalf("%v, method %d: model differs after import", dt, method)
			}
		}
	}
}

// The _charset variants numpy can produce: a bytes scalar without the
// trailing NUL (np.array(b"HI")), a UCS-4 string, a uint8 array.
func TestReadNPZCharsetForms(t *testing.T) {
	m := testModel(2)
	ucs4 := encode("<i4", []int64{'H', 'I'})
	for _, cs := range []npzEntry{
		{"_charset", npy("|S2", false, "()", []byte("HI"))},
		{"_charset", npy("<U2", false, "()", ucs4)},
		{"_charset", npy("|u1", false, "(3,)", []byte("HI\x00"))},
		{"_charset", npy("|u1", false, "(2,)", []byte("HI"))},
	} {
		es := npzEntries(m, "|i1", "<i2")
		es[len(es)-1] = cs
		data := zipNPZ(t, zip.Store, es)
		got, err := ReadNPZ(bytes.NewReader(data), int64(len(data)), "m.npz")
		if err != nil {
			t.Errorf("%s: %v", cs.data[10:60], err)
			continue
		}
		if string(got.Charset) != "HI\x00" {
			t.Errorf("charset %q, want \"HI\\x00\"", got.Charset)
		}
	}
}

func TestReadNPZErrors(t *testing.T) {
	m := testModel(3)
	// replace returns the entries with one array replaced (nil data: removed)
	replace := func(name string, data []byte) []npzEntry {
		var es []npzEntry
		for _, e := range npzEntries(m, "|i1", "<i2") {
			if e.name == name {
				if data == nil {
					continue
				}
				e.data = data
			}
			es = append(es, e)
		}
		return es
	}
	w768 := make([]byte, 768)
	tests := []struct {
		name    string
		entries []npzEntry
		want    string
	}{
		{"fortran", replace("fc1_weight", npy("|i1", true, "(4, 256)", make([]byte, 1024))), "array fc1_weight: Fortran-order arrays are not supported"},
		{"big-endian", replace("fc1_bias", npy(">i2", false, "(4,)", make([]byte, 8))), `array fc1_bias: big-endian dtype ">i2"`},
		{"float64", replace("fc1_weight", npy("<f8", false, "(4, 256)", make([]byte, 8192))), `array fc1_weight: unsupported dtype "<f8"`},
		{"bool", replace("fc1_weight", npy("|b1", false, "(4, 256)", make([]byte, 1024))), `array fc1_weight: unsupported dtype "|b1"`},
		{"short data", replace("fc1_weight", npy("|i1", false, "(3, 256)", w768[:700])), "array fc1_weight: shape [3 256] of |i1 needs 768 data bytes, file has 700"},
		{"bias shape", replace("fc1_bias", npy("<i2", false, "(5,)", make([]byte, 10))), "fc1_bias: shape [5], want (4,)"},
		{"1-D weights", replace("fc1_weight", npy("|i1", false, "(1024,)", make([]byte, 1024))), "fc1_weight: shape [1024], want 2 dimensions"},
		{"weight 2", replace("fc2_weight", npy("|i1", false, "(3, 4)", []byte{0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0})), "fc2_weight[1][1] = 2 is outside the 2-bit range -2..1"},
		{"weight 0.5", replace("fc2_weight", npy("<f4", false, "(3, 4)", encode("<i4", []int64{0, 0, 0, 0, 0, int64(math.Float32bits(0.5))}))), "array fc2_weight"},
		{"bias range", replace("fc2_bias", npy("<i4", false, "(3,)", encode("<i4", []int64{0, 40000, 0}))), "fc2_bias[1] = 40000 does not fit in 16 bits"},
		{"no charset", replace("_charset", nil), "missing _charset"},
		{"no bias", replace("fc1_bias", nil), "layer 1 needs both fc1_weight and fc1_bias"},
		{"stray layer", append(replace("fc2_bias", nil), npzEntry{"fc3_bias", npy("<i2", false, "(3,)", make([]byte, 6))}), "layer 2 needs both"},
		{"gap", append(npzEntries(m, "|i1", "<i2"), npzEntry{"fc4_bias", npy("<i2", false, "(3,)", make([]byte, 6))}), "array fc4_bias does not belong to layers fc1..fc2"},
		{"arch classes", replace("_architecture", npy("|S17", false, "()", []byte(`{"num_classes":5}`))), "_architecture: num_classes 5, but _charset has 3 entries"},
		{"arch hidden", replace("_architecture", npy("|S20", false, "()", []byte(`{"hidden_sizes":[8]}`))), "_architecture: hidden_sizes [8], but the layers have [4]"},
		{"arch json", replace("_architecture", npy("|S3", false, "()", []byte(`{x}`))), "_architecture: bad JSON"},
		{"charset size", replace("_charset", npy("|S2", false, "()", []byte("H\x00"))), "num_classes 3, but _charset has 2 entries with EOS"},
		{"bad magic", replace("fc1_bias", []byte("NOT AN ARRAY AT ALL")), "array fc1_bias: not a .npy array"},
		{"bad header", replace("fc1_bias", npy("<i2", false, "(4,", make([]byte, 8))), "array fc1_bias: bad .npy header"},
		{"structured", replace("fc1_bias", npyRaw("{'descr': [('a', '<i2')], 'fortran_order': False, 'shape': (1,)}\n", make([]byte, 2))), "structured dtypes are not supported"},
	}
	for _, tt := range tests {
		data := zipNPZ(t, zip.Store, tt.entries)
		_, err := ReadNPZ(bytes.NewReader(data), int64(len(data)), "m.npz")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "m.npz: ") {
			t.Errorf("%s: got %v, want m.npz: …%s…", tt.name, err, tt.want)
		}
	}

	good := zipNPZ(t, zip.Store, npzEntries(m, "|i1", "<i2"))
	for _, cut := range []int{0, 10, len(good) / 2, len(good) - 1} {
		if _, err := ReadNPZ(bytes.NewReader(good[:cut]), int64(cut), "m.npz"); err == nil {
			t.Errorf("npz truncated to %d bytes: no error", cut)
		}
	}
}

func TestLoadSniffsFormat(t *testing.T) {
	m := testModel(4)
	dir := t.TempDir()
	npzPath := filepath.Join(dir, "m.npz")
	if err := os.WriteFile(npzPath, zipNPZ(t, zip.Deflate, npzEntries(m, "|i1", "<i2")), 0o644); err != nil {
		t.Fatal(err)
	}
	nativePath := filepath.Join(dir, "m.model")
	if err := m.Save(nativePath); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{npzPath, nativePath} {
		got, err := Load(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		got.Meta = Meta{}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("%s: model differs", p)
		}
	}
	other := filepath.Join(dir, "x.txt")
	os.WriteFile(other, []byte("hello|HI\n"), 0o644)
	if _, err := Load(other); err == nil || !strings.Contains(err.Error(), "neither a z80lm model file nor a model.npz") {
		t.Errorf("text file: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "absent")); err == nil {
		t.Error("missing file: no error")
	}
}

func FuzzReadNPZ(f *testing.F) {
	m := testModel(5)
	f.Add(zipNPZ(f, zip.Store, npzEntries(m, "|i1", "<i2")))
	f.Add(zipNPZ(f, zip.Deflate, npzEntries(m, "<f4", "<i8")))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadNPZ(bytes.NewReader(data), int64(len(data)), "f.npz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.npz: ") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("ReadNPZ returned an invalid model: %v", err)
		}
	})
}

// FuzzParseNPY reaches the header parser without the zip layer.
func FuzzParseNPY(f *testing.F) {
	f.Add(npy("<i2", false, "(3,)", make([]byte, 6)))
	f.Add(npy("|S5", false, "()", []byte("HELLO")))
	f.Add(npy("<f4", true, "(1, 1)", make([]byte, 4)))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := parseNPY(data)
		if err != nil {
			return
		}
		if a.kind == 'S' || a.kind == 'U' {
			a.bytes()
		} else {
			a.ints()
		}
	})
}
