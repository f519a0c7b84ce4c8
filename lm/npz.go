package lm

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
)

// V1Bits and V1Shift describe every layer of an original (v1) model.
const (
	V1Bits  = 2
	V1Shift = 2
)

// LoadNPZ reads a model.npz written by the original Z80-μLM project.
func LoadNPZ(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return ReadNPZ(f, st.Size(), path)
}

// v1Arch is the "_architecture" JSON of a model.npz.
type v1Arch struct {
	InputSize   *int  `json:"input_size"`
	HiddenSizes []int `json:"hidden_sizes"`
	NumClasses  *int  `json:"num_classes"`
}

// ReadNPZ decodes a model.npz (a zip of .npy arrays): fc1_weight (out×in),
// fc1_bias, fc2_…, _architecture (JSON bytes) and _charset (bytes, EOS
// last). Weights and biases may be stored as any little-endian integer type
// or as float32 holding whole numbers; every layer becomes 2-bit with shift
// 2. name is used in error messages. The model is validated.
func ReadNPZ(r io.ReaderAt, size int64, name string) (*Model, error) {
	errf := func(format string, a ...any) error {
		return fmt.Errorf("%s: "+format, append([]any{name}, a...)...)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, errf("not a valid .npz (zip) file: %v", err)
	}
	arrays := map[string]*npyArray{}
	for _, f := range zr.File {
		key := strings.TrimSuffix(path.Base(f.Name), ".npy")
		if _, dup := arrays[key]; dup {
			return nil, errf("array %s appears twice", key)
		}
		a, err := readNPYEntry(f)
		if err != nil {
			return nil, errf("array %s: %v", key, err)
		}
		arrays[key] = a
	}

	m := &Model{Meta: Meta{Source: "npz:" + path.Base(name)}}
	for k := 1; ; k++ {
		wname, bname := "fc"+strconv.Itoa(k)+"_weight", "fc"+strconv.Itoa(k)+"_bias"
		wa, bb := arrays[wname], arrays[bname]
		if wa == nil && bb == nil {
			break
		}
		if wa == nil || bb == nil {
			return nil, errf("layer %d needs both %s and %s", k, wname, bname)
		}
		delete(arrays, wname)
		delete(arrays, bname)
		l, err := npzLayer(wname, wa, bname, bb)
		if err != nil {
			return nil, errf("%v", err)
		}
		m.Layers = append(m.Layers, l)
	}
	if len(m.Layers) == 0 {
		return nil, errf("no layers (fc1_weight, fc1_bias missing)")
	}

	cs, ok := arrays["_charset"]
	if !ok {
		return nil, errf("missing _charset")
	}
	if m.Charset, err = cs.bytes(); err != nil {
		return nil, errf("_charset: %v", err)
	}
	// numpy drops a bytes scalar's trailing NULs, so EOS is implied; an
	// explicit one (a byte array) is accepted too.
	if n := len(m.Charset); n == 0 || m.Charset[n-1] != EOS {
		m.Charset = append(m.Charset, EOS)
	}

	if a, ok := arrays["_architecture"]; ok {
		if err := checkArch(a, m); err != nil {
			return nil, errf("_architecture: %v", err)
		}
	}
	for key := range arrays {
		if key != "_charset" && key != "_architecture" && strings.HasPrefix(key, "fc") {
			return nil, errf("array %s does not belong to layers fc1..fc%d", key, len(m.Layers))
		}
	}
	if err := m.Validate(); err != nil {
		return nil, errf("%v", err)
	}
	return m, nil
}

// readNPYEntry reads one zip member, refusing to inflate more than an
// array may hold.
func readNPYEntry(f *zip.File) (*npyArray, error) {
	if f.UncompressedSize64 > maxNPYBytes {
		return nil, fmt.Errorf("%d bytes, more than the %d an array may hold", f.UncompressedSize64, maxNPYBytes)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// zip checks the inflated size against the header when it reaches the
	// end, so reading one byte more than declared is enough to catch a lie.
	b, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	if err != nil {
		return nil, err
	}
	return parseNPY(b)
}

// npzLayer converts a weight and a bias array into a v1 layer.
func npzLayer(wname string, wa *npyArray, bname string, ba *npyArray) (Layer, error) {
	if len(wa.shape) != 2 {
		return Layer{}, fmt.Errorf("%s: shape %v, want 2 dimensions (out, in)", wname, wa.shape)
	}
	out, in := wa.shape[0], wa.shape[1]
	if len(ba.shape) != 1 || ba.shape[0] != out {
		return Layer{}, fmt.Errorf("%s: shape %v, want (%d,) to match %s %v", bname, ba.shape, out, wname, wa.shape)
	}
	w, err := wa.ints()
	if err != nil {
		return Layer{}, fmt.Errorf("%s: %v", wname, err)
	}
	b, err := ba.ints()
	if err != nil {
		return Layer{}, fmt.Errorf("%s: %v", bname, err)
	}
	l := Layer{In: in, Out: out, Bits: V1Bits, Shift: V1Shift, W: make([]int8, len(w)), B: make([]int16, len(b))}
	lo, hi := WeightRange(V1Bits)
	for i, v := range w {
		if v < int64(lo) || v > int64(hi) {
			return Layer{}, fmt.Errorf("%s[%d][%d] = %d is outside the 2-bit range %d..%d", wname, i/in, i%in, v, lo, hi)
		}
		l.W[i] = int8(v)
	}
	for i, v := range b {
		if v < -32768 || v > 32767 {
			return Layer{}, fmt.Errorf("%s[%d] = %d does not fit in 16 bits", bname, i, v)
		}
		l.B[i] = int16(v)
	}
	return l, nil
}

// checkArch compares the _architecture JSON with the arrays.
func checkArch(a *npyArray, m *Model) error {
	raw, err := a.bytes()
	if err != nil {
		return err
	}
	var arch v1Arch
	if err := json.Unmarshal(raw, &arch); err != nil {
		return fmt.Errorf("bad JSON: %v", err)
	}
	if arch.InputSize != nil && *arch.InputSize != m.Layers[0].In {
		return fmt.Errorf("input_size %d, but fc1_weight has %d inputs", *arch.InputSize, m.Layers[0].In)
	}
	if arch.HiddenSizes != nil {
		h := m.HiddenSizes()
		if !slices.Equal(arch.HiddenSizes, h) {
			return fmt.Errorf("hidden_sizes %v, but the layers have %v", arch.HiddenSizes, h)
		}
	}
	if arch.NumClasses != nil && *arch.NumClasses != len(m.Charset) {
		return fmt.Errorf("num_classes %d, but _charset has %d entries with EOS", *arch.NumClasses, len(m.Charset))
	}
	return nil
}
