package web

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteDir writes the site as static files into dir, which must not exist
// or be empty. The files are written into a temporary directory beside dir
// and renamed into place, so dir never holds half a site.
//
// A static host must serve z80lm.wasm as application/wasm; the page's
// content security policy is also in index.html as a meta tag, but a host
// that can set headers should send CSP as well (frame-ancestors works only
// as a header).
func (s *Site) WriteDir(dir string) (err error) {
	dir = filepath.Clean(dir)
	if ents, err := os.ReadDir(dir); err == nil {
		if len(ents) > 0 {
			return fmt.Errorf("%s exists and is not empty; remove it or choose another directory", dir)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	for _, name := range s.Names() {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, s.files[name].raw, 0o644); err != nil {
			return err
		}
	}
	// MkdirTemp makes 0700; a site is meant to be read by a web server.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	// An empty dir is replaced; Remove refuses if something appeared in it
	// meanwhile.
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Rename(tmp, dir)
}
