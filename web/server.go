package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CSP is the content security policy of the page: everything from the
// page's own origin, nothing inline, and 'wasm-unsafe-eval', which
// WebAssembly compilation needs and which allows no JavaScript eval.
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the site: GET and HEAD of its files only, by exact name,
// "/" being index.html. Every other path is 404, every other method 405.
// Responses carry an ETag and "Cache-Control: no-cache", so a reload costs
// one 304 per file, and are gzip-compressed when the client accepts it.
func (s *Site) Handler() http.Handler {
	return http.HandlerFunc(s.serve)
}

func (s *Site) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// The raw path, not r.URL.Path: the site's names contain nothing that
	// needs escaping, so an escaped or relative request is never one of them
	// and need not be decoded or cleaned at all.
	p := r.URL.EscapedPath()
	if p == "/" {
		p = "/index.html"
	}
	f, ok := s.files[strings.TrimPrefix(p, "/")]
	if !ok || !strings.HasPrefix(p, "/") {
		http.NotFound(w, r)
		return
	}

	body, etag := f.raw, f.etag
	h.Set("Vary", "Accept-Encoding")
	if f.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = f.gz
		etag = strings.TrimSuffix(etag, `"`) + `-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache")
	if match(r.Header.Get("If-None-Match"), etag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(body)
	}
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip
// (present without q=0).
func acceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// match reports whether an If-None-Match header lists etag (or is "*").
func match(inm, etag string) bool {
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// NewServer returns an HTTP server for the site on addr with bounded
// header size and timeouts; requests have no body worth reading (GET and
// HEAD only), so the read limits are tight.
func (s *Site) NewServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           http.MaxBytesHandler(s.Handler(), 1<<10),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}
