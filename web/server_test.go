package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ret is a complete CP/M program: RET, back to the CCP.
var ret = []byte{0xC9}

func testSite(t *testing.T) *Site {
	t.Helper()
	s, err := NewSite([]Program{{Name: "TEST", Title: "a test", COM: ret}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func get(h http.Handler, method, target string, hdr ...string) *http.Response {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func TestContentTypes(t *testing.T) {
	h := testSite(t).Handler()
	for _, tc := range []struct{ path, ctype string }{
		{"/", "text/html; charset=utf-8"},
		{"/index.html", "text/html; charset=utf-8"},
		{"/style.css", "text/css; charset=utf-8"},
		{"/term.js", "text/javascript; charset=utf-8"},
		{"/wasm_exec.js", "text/javascript; charset=utf-8"},
		{"/z80lm.wasm", "application/wasm"},
		{"/programs.json", "application/json"},
		{"/programs/TEST.COM", "application/octet-stream"},
	} {
		res := get(h, "GET", tc.path)
		if res.StatusCode != 200 {
			t.Errorf("GET %s: status %d, want 200", tc.path, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != tc.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tc.path, got, tc.ctype)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", tc.path, got)
		}
	}
}

func TestProgramServed(t *testing.T) {
	h := testSite(t).Handler()
	body, _ := io.ReadAll(get(h, "GET", "/programs/TEST.COM").Body)
	if !bytes.Equal(body, ret) {
		t.Errorf("TEST.COM served as % x, want % x", body, ret)
	}
	list, _ := io.ReadAll(get(h, "GET", "/programs.json").Body)
	want := `[{"name":"TEST","title":"a test","size":1,"path":"programs/TEST.COM"}]`
	if string(list) != want {
		t.Errorf("programs.json = %s, want %s", list, want)
	}
}

func TestNotFound(t *testing.T) {
	h := testSite(t).Handler()
	for _, p := range []string{
		"/../go.mod", "/../../etc/passwd", "/%2e%2e/go.mod", "/%2E%2E/%2E%2E/etc/passwd",
		"/..%2fgo.mod", "/programs/../index.html", "/programs/%2e%2e/index.html",
		"/./index.html", "//index.html", "/etc/passwd", "/static/index.html",
		"/site.go", "/web/site.go", "/z80lm.wasm.gz", "/index.html/", "/INDEX.HTML",
		"/index.html%00", "/programs/", "/programs", "/programs/NOPE.COM", "/nope",
		"/%69ndex.html", "/index.html;x",
	} {
		res := get(h, "GET", p)
		if res.StatusCode != 404 && res.StatusCode != 400 {
			t.Errorf("GET %s: status %d, want 404 or 400", p, res.StatusCode)
		}
		if res.Header.Get("Content-Security-Policy") != CSP {
			t.Errorf("GET %s: no CSP on the error response", p)
		}
	}
}

// The same attempts through a real server, as raw request lines, so that
// no client library cleans the path first.
func TestTraversalOverTheWire(t *testing.T) {
	srv := testSite(t).NewServer("")
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Errorf("server without timeouts: %+v", srv)
	}
	ts := httptest.NewUnstartedServer(srv.Handler)
	ts.Config = srv
	ts.Start()
	defer ts.Close()
	addr := ts.Listener.Addr().String()
	for _, target := range []string{
		"/../go.mod", "/%2e%2e/%2e%2e/etc/passwd", "/..\\go.mod", "/programs/..%2f..%2fgo.mod",
		"/etc/passwd", "http://x/../go.mod", "../go.mod", "*",
	} {
		code := rawStatus(t, addr, "GET "+target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if code != 404 && code != 400 {
			t.Errorf("GET %s: status %d, want 404 or 400", target, code)
		}
	}
	big := "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 64<<10) + "\r\nConnection: close\r\n\r\n"
	if code := rawStatus(t, addr, big); code != 431 {
		t.Errorf("64 KB header: status %d, want 431", code)
	}
	if code := rawStatus(t, addr, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); code != 200 {
		t.Errorf("GET /: status %d, want 200", code)
	}
}

func rawStatus(t *testing.T, addr, req string) int {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%q: %v", req[:min(len(req), 40)], err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestMethods(t *testing.T) {
	h := testSite(t).Handler()
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"} {
		res := get(h, m, "/index.html")
		if res.StatusCode != 405 || res.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: status %d, Allow %q; want 405, GET, HEAD", m, res.StatusCode, res.Header.Get("Allow"))
		}
	}
	res := get(h, "HEAD", "/z80lm.wasm")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || len(body) != 0 || res.Header.Get("Content-Length") == "" {
		t.Errorf("HEAD: status %d, %d body bytes, Content-Length %q", res.StatusCode, len(body), res.Header.Get("Content-Length"))
	}
}

func TestCSP(t *testing.T) {
	h := testSite(t).Handler()
	res := get(h, "GET", "/")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "'unsafe-eval'") || strings.Contains(csp, "'unsafe-inline'") {
		t.Errorf("CSP %q allows eval or inline code", csp)
	}
	// A static host may not send the header, so the page carries the same
	// policy (frame-ancestors is ignored in a meta tag).
	page, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]*)"`).FindSubmatch(page)
	if m == nil {
		t.Fatal("index.html has no CSP meta tag")
	}
	if want := strings.TrimSuffix(CSP, "; frame-ancestors 'none'"); string(m[1]) != want {
		t.Errorf("meta CSP %q, header without frame-ancestors %q", m[1], want)
	}
}

func TestGzipAndETag(t *testing.T) {
	s := testSite(t)
	h := s.Handler()
	for _, name := range []string{"z80lm.wasm", "term.js", "index.html"} {
		raw, _ := s.File(name)
		res := get(h, "GET", "/"+name, "Accept-Encoding", "gzip, deflate, br")
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: not gzip-encoded for a gzip client", name)
			continue
		}
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("%s: gzip body does not decompress to the file (err %v)", name, err)
		}
		etag := res.Header.Get("ETag")
		if res.Header.Get("Cache-Control") != "no-cache" || etag == "" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: caching headers %v", name, res.Header)
		}
		if res := get(h, "GET", "/"+name, "Accept-Encoding", "gzip", "If-None-Match", etag); res.StatusCode != 304 {
			t.Errorf("%s: revalidation with its ETag: status %d, want 304", name, res.StatusCode)
		}
		for _, ae := range []string{"", "identity", "gzip;q=0", "br"} {
			res := get(h, "GET", "/"+name, "Accept-Encoding", ae)
			body, _ := io.ReadAll(res.Body)
			if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, raw) {
				t.Errorf("%s with Accept-Encoding %q: encoded %q", name, ae, res.Header.Get("Content-Encoding"))
			}
			if res.Header.Get("ETag") == etag {
				t.Errorf("%s: identity and gzip bodies share the ETag %s", name, etag)
			}
		}
	}
}

// The page as first loaded (HTML, script, style, wasm) must stay within
// 4 MB on the wire.
func TestTransferBudget(t *testing.T) {
	raw, gz := testSite(t).Sizes()
	t.Logf("page: %d bytes raw, %d bytes gzip", raw, gz)
	if gz > 4<<20 {
		t.Errorf("page is %d bytes compressed, budget 4 MB", gz)
	}
}

func TestNewSiteErrors(t *testing.T) {
	for _, tc := range []struct {
		progs []Program
		want  string
	}{
		{[]Program{{Name: "chat", COM: ret}}, `"chat"`},
		{[]Program{{Name: "../X", COM: ret}}, `"../X"`},
		{[]Program{{Name: "TOOLONGNAME", COM: ret}}, `"TOOLONGNAME"`},
		{[]Program{{Name: "", COM: ret}}, `""`},
		{[]Program{{Name: "A", COM: ret}, {Name: "A", COM: ret}}, "A offered twice"},
		{[]Program{{Name: "A"}}, "A is empty"},
	} {
		_, err := NewSite(tc.progs)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewSite(%v): error %v, want one mentioning %s", tc.progs, err, tc.want)
		}
	}
}

func TestWriteDir(t *testing.T) {
	s := testSite(t)
	dir := filepath.Join(t.TempDir(), "site")
	if err := s.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range s.Names() {
		want, _ := s.File(name)
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: written file differs (err %v)", name, err)
		}
	}
	ents, _ := os.ReadDir(filepath.Dir(dir))
	if len(ents) != 1 {
		t.Errorf("temporary files left beside the site: %v", ents)
	}
	if err := s.WriteDir(dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("writing into a full directory: error %v, want 'not empty'", err)
	}
	empty := t.TempDir()
	if err := s.WriteDir(empty); err != nil {
		t.Errorf("writing into an empty directory: %v", err)
	}
}

// Any request target gets a file of the site by its exact name, or an
// error status; never a panic, never something else.
func FuzzHandler(f *testing.F) {
	s, err := NewSite([]Program{{Name: "TEST", Title: "a test", COM: ret}})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	for _, seed := range []string{"/", "/index.html", "/../go.mod", "/%2e%2e/x", "/programs/TEST.COM", "//x", "/a?b#c"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, target string) {
		r, err := http.NewRequest("GET", "http://x"+target, nil)
		if err != nil {
			return
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			if w.Code != 404 {
				t.Fatalf("GET %q: status %d", target, w.Code)
			}
			return
		}
		name := strings.TrimPrefix(r.URL.EscapedPath(), "/")
		if name == "" {
			name = "index.html"
		}
		want, ok := s.File(name)
		if !ok || !bytes.Equal(w.Body.Bytes(), want) {
			t.Fatalf("GET %q: 200 with a body that is not the site file %q", target, name)
		}
	})
}
