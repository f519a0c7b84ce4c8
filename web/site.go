// Package web is z80lm's browser version: the Z80 emulator and the CP/M
// machine compiled to WebAssembly, and a static page with a retro terminal
// that runs CHAT, GUESS or any .COM the user drops on it, locally.
//
// The site is built from files embedded in the binary (static/) plus the
// programs the caller offers, and is either served (Handler) or written out
// for a static host (WriteDir). Nothing is read from the file system at run
// time.
//
// static/z80lm.wasm.gz and static/wasm_exec.js are generated and committed,
// because go:embed cannot run a build. After changing web/wasm, z80, cpm or
// the Go toolchain, regenerate them with
//
//	go generate ./web
//
// which cross-compiles ./web/wasm with GOOS=js GOARCH=wasm -trimpath
// -ldflags=-s, gzips it deterministically, and copies wasm_exec.js from the
// toolchain that built it (the two must match). TestGeneratedUpToDate fails
// when the committed files differ from a fresh build.
package web

//go:generate go run ./internal/genwasm

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"sort"
	"strings"
)

//go:embed static
var static embed.FS

// A Program is a CP/M .COM that the page offers in its program menu.
type Program struct {
	Name  string // CP/M file name without .COM: 1-8 of A-Z, 0-9
	Title string // one line for the menu, e.g. "chat with a Z80"
	COM   []byte
}

var programName = regexp.MustCompile(`^[A-Z0-9]{1,8}$`)

// file is one resource of the site, ready to serve.
type file struct {
	name  string // path without the leading slash
	ctype string
	raw   []byte
	gz    []byte // nil when compression does not pay
	etag  string // quoted strong validator of raw
}

// Site is the complete page: embedded assets plus the offered programs.
type Site struct {
	files map[string]*file
}

// wasmGz is the embedded, pre-compressed WebAssembly binary.
const wasmGz = "z80lm.wasm.gz"

// NewSite builds the site offering progs (in menu order; the first is
// started when the page opens).
func NewSite(progs []Program) (*Site, error) {
	assets, err := fs.Sub(static, "static")
	if err != nil {
		return nil, err
	}
	return newSite(assets, progs)
}

// newSite builds a site from the files of assets and progs.
func newSite(assets fs.FS, progs []Program) (*Site, error) {
	s := &Site{files: map[string]*file{}}
	err := fs.WalkDir(assets, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, name)
		if err != nil {
			return err
		}
		if name == wasmGz {
			raw, err := gunzip(b)
			if err != nil {
				return fmt.Errorf("web: embedded %s: %v", wasmGz, err)
			}
			s.add("z80lm.wasm", raw, b)
			return nil
		}
		s.add(name, b, nil)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, need := range []string{"index.html", "z80lm.wasm", "wasm_exec.js"} {
		if s.files[need] == nil {
			return nil, fmt.Errorf("web: embedded site lacks %s (run go generate ./web)", need)
		}
	}

	type entry struct {
		Name  string `json:"name"`
		Title string `json:"title"`
		Size  int    `json:"size"`
		Path  string `json:"path"`
	}
	list := []entry{}
	seen := map[string]bool{}
	for _, p := range progs {
		if !programName.MatchString(p.Name) {
			return nil, fmt.Errorf("web: program name %q: want 1-8 characters A-Z or 0-9", p.Name)
		}
		if seen[p.Name] {
			return nil, fmt.Errorf("web: program %s offered twice", p.Name)
		}
		if len(p.COM) == 0 {
			return nil, fmt.Errorf("web: program %s is empty", p.Name)
		}
		seen[p.Name] = true
		fp := "programs/" + p.Name + ".COM"
		s.add(fp, p.COM, nil)
		list = append(list, entry{p.Name, p.Title, len(p.COM), fp})
	}
	j, err := json.Marshal(list)
	if err != nil {
		return nil, err
	}
	s.add("programs.json", j, nil)
	return s, nil
}

// add registers a file; gz may carry a ready compressed form.
func (s *Site) add(name string, raw, gz []byte) {
	ctype := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	// Fixed here rather than left to the host's MIME tables, which may lack
	// .wasm; WebAssembly.instantiateStreaming refuses any other type.
	case ".wasm":
		ctype = "application/wasm"
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	case ".COM":
		ctype = "application/octet-stream"
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	if gz == nil {
		gz = gzipBytes(raw)
		if len(gz) >= len(raw)*9/10 {
			gz = nil
		}
	}
	sum := sha256.Sum256(raw)
	s.files[name] = &file{
		name:  name,
		ctype: ctype,
		raw:   raw,
		gz:    gz,
		etag:  `"` + hex.EncodeToString(sum[:12]) + `"`,
	}
}

// Names lists the site's files (paths without a leading slash), sorted.
func (s *Site) Names() []string {
	names := make([]string, 0, len(s.files))
	for n := range s.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// File returns the content of a site file.
func (s *Site) File(name string) ([]byte, bool) {
	f, ok := s.files[name]
	if !ok {
		return nil, false
	}
	return f.raw, true
}

// Sizes reports the raw and gzip-compressed bytes of the page as a browser
// loads it on first visit: the HTML, script, style and WebAssembly files
// (programs excluded, they are fetched on demand).
func (s *Site) Sizes() (raw, compressed int) {
	for _, f := range s.files {
		if strings.HasPrefix(f.name, "programs") {
			continue
		}
		raw += len(f.raw)
		if f.gz != nil {
			compressed += len(f.gz)
		} else {
			compressed += len(f.raw)
		}
	}
	return raw, compressed
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("empty")
	}
	return out, nil
}
