package cpm

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"z80lm/z80"
)

const results = 0x0700 // the test programs store A after each call here

func (p prog) ldA(n byte) prog { return append(p, 0x3E, n) } // LD A,n 7

// step is one BDOS call whose A result is stored at results+i, or a poke.
type step struct {
	fn   byte
	de   uint16
	poke map[uint16]byte // instead of a call: LD A,v; LD (addr),A
}

// diskProg assembles steps followed by RET, with data placed at fixed
// addresses above the code.
func diskProg(steps []step, data map[uint16][]byte) prog {
	p := prog{}
	n := 0
	for _, s := range steps {
		if s.poke != nil {
			for a, v := range s.poke {
				p = p.ldA(v).ldMemA(a)
			}
			continue
		}
		p = p.bdos(s.fn, s.de).ldMemA(results + uint16(n))
		n++
	}
	p = p.ret()
	if TPA+len(p) > 0x0240 {
		panic("test program overlaps its data")
	}
	for a := uint16(0x0240); a < results; a++ {
		p = append(p.at(a), 0)
	}
	for a, b := range data {
		copy(p[a-TPA:], b)
	}
	return p
}

// fcbBytes is an FCB (36 bytes) for drive d and an 11-character name.
func fcbBytes(d byte, name string) []byte {
	f := make([]byte, 36)
	f[0] = d
	copy(f[1:12], name)
	return f
}

func TestDiskWriteReadBack(t *testing.T) {
	dir := t.TempDir()
	rec1 := bytes.Repeat([]byte("0123456789abcdef"), 8)
	rec2 := bytes.Repeat([]byte("RECORD2!"), 16)
	rename := fcbBytes(0, "TEST    DAT")
	copy(rename[16:], fcbBytes(0, "NEW     DAT")[:12])
	data := map[uint16][]byte{
		0x0240: fcbBytes(0, "NEW     DAT"), // E
		0x0300: fcbBytes(0, "TEST    DAT"), // A: written
		0x0340: fcbBytes(1, "test    dat"), // B: read back (A:, lower case)
		0x0380: fcbBytes(0, "????????DAT"), // C: search
		0x03C0: rename,                     // D
		0x0400: rec1,
		0x0480: rec2,
	}
	steps := []struct {
		step
		want byte
	}{
		{step{fn: 26, de: 0x0400}, 0},    // set DMA
		{step{fn: 22, de: 0x0300}, 0},    // make
		{step{fn: 21, de: 0x0300}, 0},    // write sequential
		{step{fn: 26, de: 0x0480}, 0},    // set DMA
		{step{fn: 21, de: 0x0300}, 0},    // write sequential
		{step{fn: 16, de: 0x0300}, 0},    // close
		{step{fn: 15, de: 0x0340}, 0},    // open
		{step{fn: 26, de: 0x0500}, 0},    // set DMA
		{step{fn: 20, de: 0x0340}, 0},    // read sequential
		{step{fn: 26, de: 0x0580}, 0},    // set DMA
		{step{fn: 20, de: 0x0340}, 0},    // read sequential
		{step{fn: 20, de: 0x0340}, 1},    // read sequential: end of file
		{step{fn: 35, de: 0x0340}, 0},    // file size
		{step{fn: 26, de: 0x0680}, 0},    // set DMA
		{step{fn: 17, de: 0x0380}, 0},    // search first
		{step{fn: 18, de: 0x0380}, 0xFF}, // search next: no more
		{step{fn: 23, de: 0x03C0}, 0},    // rename TEST.DAT to NEW.DAT
		{step{fn: 15, de: 0x0300}, 0xFF}, // open TEST.DAT: gone
		{step{fn: 19, de: 0x0240}, 0},    // delete NEW.DAT
		{step{fn: 15, de: 0x0240}, 0xFF}, // open NEW.DAT: gone
		{step{fn: 25}, 0},                // current disk: A
		{step{fn: 24}, 1},                // login vector: A only
		{step{fn: 14, de: 1}, 0xFF},      // select B: no such drive
	}
	var ss []step
	for _, s := range steps {
		ss = append(ss, s.step)
	}
	var host []byte
	m, err := New(Config{Program: diskProg(ss, data), Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	// Look at the host file just after the close.
	m.Hook(0x0100+6*11, func(*z80.CPU) { host, _ = os.ReadFile(filepath.Join(dir, "TEST.DAT")) })
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	mem := m.CPU.Mem[:]
	for i, s := range steps {
		if got := mem[results+i]; got != s.want {
			t.Errorf("step %d (BDOS %d): A=%02Xh, want %02Xh", i, s.fn, got, s.want)
		}
	}
	if !bytes.Equal(host, append(append([]byte(nil), rec1...), rec2...)) {
		t.Errorf("host file after close: %q", host)
	}
	if !bytes.Equal(mem[0x0500:0x0580], rec1) || !bytes.Equal(mem[0x0580:0x0600], rec2) {
		t.Errorf("records read back differ:\n%q\n%q", mem[0x0500:0x0580], mem[0x0580:0x0600])
	}
	if got := mem[0x0340+15]; got != 2 {
		t.Errorf("rc after open = %d, want 2", got)
	}
	if got := mem[0x0340+33 : 0x0340+36]; !bytes.Equal(got, []byte{2, 0, 0}) {
		t.Errorf("file size r0-r2 = % X, want 02 00 00", got)
	}
	// The directory entry: user 0, name, ex 0, s1, s2, rc 2, one block.
	wantDir := append([]byte{0}, "TEST    DAT\x00\x00\x00\x02\x01"...)
	if got := mem[0x0680 : 0x0680+len(wantDir)]; !bytes.Equal(got, wantDir) {
		t.Errorf("directory entry % X, want % X", got, wantDir)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("directory not empty at the end: %v", entries)
	}
}

func TestDiskRandomAccess(t *testing.T) {
	dir := t.TempDir()
	content := make([]byte, 3*128+10) // 3 full records and a short one
	for i := range content {
		content[i] = byte(i / 128)
	}
	if err := os.WriteFile(filepath.Join(dir, "RAND.BIN"), content, 0o644); err != nil {
		t.Fatal(err)
	}
	const f = 0x0300
	r0 := uint16(f + 33)
	steps := []step{
		{fn: 15, de: f},                    // 0 open
		{fn: 26, de: 0x0400},               // 1 DMA
		{poke: map[uint16]byte{r0: 2}},     //   r0 = 2
		{fn: 33, de: f},                    // 2 read random record 2
		{fn: 26, de: 0x0480},               // 3 DMA
		{fn: 20, de: f},                    // 4 read sequential: record 2 again
		{fn: 36, de: f},                    // 5 set random record: 3
		{fn: 26, de: 0x0500},               // 6 DMA
		{fn: 33, de: f},                    // 7 read random record 3: short, padded
		{poke: map[uint16]byte{r0: 4}},     //   r0 = 4
		{fn: 33, de: f},                    // 8 unwritten record in this extent: 1
		{poke: map[uint16]byte{r0: 200}},   //   r0 = 200
		{fn: 33, de: f},                    // 9 unwritten extent: 4
		{poke: map[uint16]byte{r0 + 2: 1}}, //   r2 = 1
		{fn: 33, de: f},                    // 10 beyond 65535 records: 6
		{poke: map[uint16]byte{r0 + 2: 0, r0: 5}},
		{fn: 26, de: 0x0580}, // 11 DMA
		{fn: 34, de: f},      // 12 write random record 5
		{fn: 35, de: f},      // 13 size: 6 records
	}
	data := map[uint16][]byte{f: fcbBytes(0, "RAND    BIN"), 0x0580: bytes.Repeat([]byte{0xAB}, 128)}
	m, _ := run(t, diskProg(steps, data), Config{Dir: dir})
	mem := m.CPU.Mem[:]
	wantA := []byte{0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 6, 0, 0, 0}
	if got := mem[results : results+len(wantA)]; !bytes.Equal(got, wantA) {
		t.Errorf("results % X, want % X", got, wantA)
	}
	if !bytes.Equal(mem[0x0400:0x0480], content[256:384]) || !bytes.Equal(mem[0x0480:0x0500], content[256:384]) {
		t.Errorf("record 2 read wrongly: % X / % X", mem[0x0400:0x0408], mem[0x0480:0x0488])
	}
	short := append(append([]byte(nil), content[384:]...), bytes.Repeat([]byte{0x1A}, 118)...)
	if !bytes.Equal(mem[0x0500:0x0580], short) {
		t.Errorf("short record: % X", mem[0x0500:0x0580])
	}
	if got := mem[f+33 : f+36]; !bytes.Equal(got, []byte{6, 0, 0}) {
		t.Errorf("size r0-r2 % X, want 06 00 00", got)
	}
	host, _ := os.ReadFile(filepath.Join(dir, "RAND.BIN"))
	if len(host) != 6*128 || !bytes.Equal(host[5*128:], mem[0x0580:0x0600]) || !bytes.Equal(host[:len(content)], content) {
		t.Errorf("host file after random write: %d bytes", len(host))
	}
}

// Names reach only 8.3 files inside the directory.
func TestDiskSandbox(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "SECRET.TXT")
	if err := os.WriteFile(secret, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(outside, "disk")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "LINK.TXT")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "lower.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "too.many.dots"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		dir   string
		fn    byte
		fcb   []byte
		wantA byte
	}{
		{"parent directory", dir, 22, fcbBytes(0, "..      TXT"), 0xFF},
		{"path separator", dir, 22, fcbBytes(0, "../SECRETTXT"), 0xFF},
		{"path separator in type", dir, 22, fcbBytes(0, "X       /  "), 0xFF},
		{"embedded blank", dir, 22, fcbBytes(0, "A B     TXT"), 0xFF},
		{"wildcard in make", dir, 22, fcbBytes(0, "A?      TXT"), 0xFF},
		{"empty name", dir, 15, fcbBytes(0, "        TXT"), 0xFF},
		{"drive B:", dir, 15, fcbBytes(2, "LOWER   TXT"), 0xFF},
		{"symlink to outside", dir, 15, fcbBytes(0, "LINK    TXT"), 0xFF},
		{"host name not 8.3", dir, 15, fcbBytes(0, "TOO     MAN"), 0xFF},
		{"host name in lower case", dir, 15, fcbBytes(0, "LOWER   TXT"), 0},
		{"no directory configured", "", 15, fcbBytes(0, "LOWER   TXT"), 0xFF},
		{"no directory configured: make", "", 22, fcbBytes(0, "NEW     TXT"), 0xFF},
	}
	for _, c := range cases {
		p := diskProg([]step{{fn: c.fn, de: 0x0300}}, map[uint16][]byte{0x0300: c.fcb})
		var stderr bytes.Buffer
		m, _ := run(t, p, Config{Dir: c.dir, Stderr: &stderr})
		if got := m.CPU.Mem[results]; got != c.wantA {
			t.Errorf("%s: BDOS %d returned %02Xh, want %02Xh (stderr %q)", c.name, c.fn, got, c.wantA, stderr.String())
		}
	}
	if b, _ := os.ReadFile(secret); string(b) != "secret" {
		t.Errorf("file outside the directory changed: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("directory holds %d entries, want the 3 it started with", len(entries))
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 2 {
		t.Errorf("parent directory holds %d entries, want 2", len(entries))
	}
}
