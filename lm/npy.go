package lm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// An npyArray is one decoded .npy array: its dtype (numpy "descr") and
// shape, and its raw little-endian data.
type npyArray struct {
	descr string // e.g. "<i2", "|i1", "|S11"
	kind  byte   // 'i', 'f', 'S', 'u', 'U'
	size  int    // bytes per element
	shape []int
	data  []byte
}

// maxNPYBytes bounds one array (the largest v1 layer is 256×256 bytes), so
// that a hostile header cannot make the reader allocate gigabytes.
const maxNPYBytes = 16 << 20

// parseNPY decodes a .npy file: magic, version, header dict, data. Only
// little-endian, C-order arrays are accepted.
func parseNPY(b []byte) (*npyArray, error) {
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" {
		return nil, errors.New("not a .npy array (bad magic)")
	}
	var hlen, start int
	switch b[6] {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		if len(b) < 12 {
			return nil, errors.New("truncated .npy header")
		}
		hlen, start = int(binary.LittleEndian.Uint32(b[8:12])), 12
	default:
		return nil, fmt.Errorf(".npy format version %d.%d is not supported", b[6], b[7])
	}
	if hlen > len(b)-start {
		return nil, errors.New("truncated .npy header")
	}
	h, err := parseNPYHeader(string(b[start : start+hlen]))
	if err != nil {
		return nil, fmt.Errorf("bad .npy header: %w", err)
	}
	a := &npyArray{descr: h.descr, shape: h.shape}
	if h.fortran {
		return nil, errors.New("Fortran-order arrays are not supported (save the array in C order)")
	}
	if err := a.setType(); err != nil {
		return nil, err
	}
	n := a.size
	for _, d := range a.shape {
		if d != 0 && n > maxNPYBytes/d {
			return nil, fmt.Errorf("array of shape %v is too large", a.shape)
		}
		n *= d
	}
	a.data = b[start+hlen:]
	if len(a.data) != n {
		return nil, fmt.Errorf("shape %v of %s needs %d data bytes, file has %d", a.shape, a.descr, n, len(a.data))
	}
	return a, nil
}

// setType checks the dtype: byte order and kind.
func (a *npyArray) setType() error {
	d := a.descr
	if len(d) < 3 {
		return fmt.Errorf("unsupported dtype %q", d)
	}
	order, kind := d[0], d[1]
	size, err := strconv.Atoi(d[2:])
	if err != nil || size < 1 || size > 1<<16 {
		return fmt.Errorf("unsupported dtype %q", d)
	}
	a.kind, a.size = kind, size
	if kind == 'U' {
		a.size = 4 * size // UCS-4 code units
	}
	switch order {
	case '<':
	case '|':
		if a.size != 1 && kind != 'S' {
			return fmt.Errorf("dtype %q: '|' byte order on a multi-byte type", d)
		}
	case '>':
		return fmt.Errorf("big-endian dtype %q is not supported (save the array little-endian)", d)
	case '=':
		return fmt.Errorf("native-order dtype %q is not supported (save the array little-endian)", d)
	default:
		return fmt.Errorf("unsupported dtype %q", d)
	}
	switch {
	case kind == 'i' && (size == 1 || size == 2 || size == 4 || size == 8),
		kind == 'u' && size == 1,
		kind == 'f' && size == 4,
		kind == 'S', kind == 'U':
		return nil
	}
	return fmt.Errorf("unsupported dtype %q (int8, int16, int32, int64 or float32 expected)", d)
}

// count is the number of elements.
func (a *npyArray) count() int { return len(a.data) / a.size }

// ints returns the elements of a numeric array as integers; float32 values
// must be whole numbers.
func (a *npyArray) ints() ([]int64, error) {
	if a.kind != 'i' && a.kind != 'f' && a.kind != 'u' {
		return nil, fmt.Errorf("dtype %q is not numeric", a.descr)
	}
	v := make([]int64, a.count())
	for i := range v {
		p := a.data[i*a.size:]
		switch {
		case a.kind == 'u':
			v[i] = int64(p[0])
		case a.kind == 'f':
			f := math.Float32frombits(binary.LittleEndian.Uint32(p))
			if f != float32(math.Trunc(float64(f))) || math.Abs(float64(f)) > 1<<31 {
				return nil, fmt.Errorf("element %d is %v, not a whole number", i, f)
			}
			v[i] = int64(f)
		case a.size == 1:
			v[i] = int64(int8(p[0]))
		case a.size == 2:
			v[i] = int64(int16(binary.LittleEndian.Uint16(p)))
		case a.size == 4:
			v[i] = int64(int32(binary.LittleEndian.Uint32(p)))
		default:
			v[i] = int64(binary.LittleEndian.Uint64(p))
		}
	}
	return v, nil
}

// bytes returns a byte-string array's contents: a numpy bytes scalar
// (|S, whose trailing NULs numpy drops on reading, so they are dropped here
// too), a UCS-4 string of ASCII, or a 1-D array of bytes.
func (a *npyArray) bytes() ([]byte, error) {
	switch {
	case a.kind == 'S' && len(a.shape) == 0:
		return []byte(strings.TrimRight(string(a.data), "\x00")), nil
	case a.kind == 'U' && len(a.shape) == 0:
		var out []byte
		for i := 0; i+4 <= len(a.data); i += 4 {
			r := binary.LittleEndian.Uint32(a.data[i:])
			if r > 0x7f {
				return nil, fmt.Errorf("character U+%04X is not ASCII", r)
			}
			out = append(out, byte(r))
		}
		return []byte(strings.TrimRight(string(out), "\x00")), nil
	case a.size == 1 && (a.kind == 'u' || a.kind == 'i') && len(a.shape) == 1:
		return a.data, nil
	}
	return nil, fmt.Errorf("dtype %q with shape %v is not a byte string", a.descr, a.shape)
}

type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNPYHeader reads the Python dict literal of a .npy header, e.g.
// {'descr': '<i2', 'fortran_order': False, 'shape': (256,), }
func parseNPYHeader(s string) (npyHeader, error) {
	var h npyHeader
	p := &pyParser{s: s}
	if !p.eat('{') {
		return h, errors.New("header is not a dict")
	}
	seen := map[string]bool{}
	for {
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if !p.eat(':') {
			return h, fmt.Errorf("missing ':' after %q", key)
		}
		switch key {
		case "descr":
			if h.descr, err = p.str(); err != nil {
				return h, fmt.Errorf("descr: %w (structured dtypes are not supported)", err)
			}
		case "fortran_order":
			if h.fortran, err = p.boolean(); err != nil {
				return h, err
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, err
			}
		default:
			return h, fmt.Errorf("unknown key %q", key)
		}
		seen[key] = true
		if !p.eat(',') {
			if !p.eat('}') {
				return h, errors.New("expected ',' or '}'")
			}
			break
		}
	}
	if strings.TrimSpace(s[p.i:]) != "" {
		return h, errors.New("data after the header dict")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("missing %q", k)
		}
	}
	return h, nil
}

// pyParser reads the small subset of Python literals .npy headers use.
type pyParser struct {
	s string
	i int
}

func (p *pyParser) skip() {
	for p.i < len(p.s) && strings.IndexByte(" \t\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyParser) eat(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *pyParser) str() (string, error) {
	p.skip()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", errors.New("expected a quoted string")
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

func (p *pyParser) boolean() (bool, error) {
	p.skip()
	for _, w := range []string{"False", "True"} {
		if strings.HasPrefix(p.s[p.i:], w) {
			p.i += len(w)
			return w == "True", nil
		}
	}
	return false, errors.New("fortran_order is not True or False")
}

func (p *pyParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("shape is not a tuple")
	}
	dims := []int{}
	for !p.eat(')') {
		p.skip()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(p.s[p.i:j])
		if err != nil || n > maxNPYBytes {
			return nil, errors.New("bad shape dimension")
		}
		p.i = j
		dims = append(dims, n)
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, errors.New("bad shape tuple")
			}
			break
		}
	}
	return dims, nil
}
