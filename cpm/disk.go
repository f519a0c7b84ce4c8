package cpm

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// The one drive, A:, is a host directory. CP/M names are 8.3 FCB names
// only (no path separators, no dots inside), mapped to upper case, and the
// directory is opened with os.Root, so no name or symbolic link reaches
// outside it. Host files whose names are not valid 8.3 names are invisible.
//
// The BDOS keeps no open-file state: every record read or write opens the
// host file named in the FCB and positions it from the FCB's extent (ex,
// s2) and current record (cr) fields, or its random record (r0-r2).

// FCB field offsets.
const (
	fcbDrive = 0
	fcbName  = 1  // 8 name + 3 type bytes; bit 7 holds attributes
	fcbEx    = 12 // extent, low 5 bits
	fcbS2    = 14 // extent, high bits
	fcbRC    = 15 // records in this extent
	fcbAlloc = 16 // allocation map (16 bytes); 17-27 hold the new name for rename
	fcbCR    = 32 // current record in the extent
	fcbR0    = 33 // random record r0, r1, r2
)

const (
	recordSize    = 128
	extentRecords = 128 // records per extent (EXM = 0)
	eofByte       = 0x1A
)

// diskParams is the disk parameter block of an 8" single-density drive
// (SPT 26, BSH 3, BLM 7, EXM 0, DSM 242, DRM 63, AL0 C0h, AL1 0, CKS 16,
// OFF 2), for programs that ask (BDOS 31).
var diskParams = [15]byte{26, 0, 3, 7, 0, 242, 0, 63, 0, 0xC0, 0, 16, 0, 2, 0}

// allocVector marks the two directory blocks used (BDOS 27).
var allocVector = [31]byte{0xC0}

// disk is the BDOS disk state.
type disk struct {
	dir    string
	dma    uint16
	user   byte
	search []searchHit // what BDOS 17 found, handed out by 18
}

// searchHit is one directory entry (one extent of a file) found by a search.
type searchHit struct {
	entry dirEntry
	ext   int
}

func newDisk(dir string) disk { return disk{dir: dir} }

// name83 is an FCB file name: 8 name and 3 type bytes, space padded.
type name83 [11]byte

// host returns the host file name, "NAME.TYP" or "NAME".
func (n name83) host() string {
	base := strings.TrimRight(string(n[:8]), " ")
	ext := strings.TrimRight(string(n[8:]), " ")
	if ext == "" {
		return base
	}
	return base + "." + ext
}

// nameChar reports whether b may appear in a file name. CP/M forbids
// <>.,;:=?*[] and blanks; the path separators are refused too.
func nameChar(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$%&'()+-@^_{}~", b) >= 0
}

// valid reports whether n is a well-formed name: a non-empty name part,
// valid characters, blanks only as padding at the end of each part, and
// '?' only if wild.
func (n name83) valid(wild bool) bool {
	part := func(p []byte) bool {
		pad := false
		for _, b := range p {
			switch {
			case b == ' ':
				pad = true
			case pad:
				return false
			case b == '?' && wild, nameChar(b):
			default:
				return false
			}
		}
		return true
	}
	return n[0] != ' ' && part(n[:8]) && part(n[8:])
}

// match reports whether n matches the pattern p ('?' matches anything).
func (n name83) match(p name83) bool {
	for i := range n {
		if p[i] != '?' && p[i] != n[i] {
			return false
		}
	}
	return true
}

// parseHostName turns a host file name into an 8.3 name, if it is one.
func parseHostName(s string) (name83, bool) {
	var n name83
	for i := range n {
		n[i] = ' '
	}
	base, ext, dot := strings.Cut(strings.ToUpper(s), ".")
	if len(base) < 1 || len(base) > 8 || len(ext) > 3 || dot && ext == "" || strings.Contains(ext, ".") {
		return n, false
	}
	copy(n[:8], base)
	copy(n[8:], ext)
	return n, n.valid(false)
}

// dirEntry is one host file seen as a CP/M file.
type dirEntry struct {
	name name83
	host string
	size int64
}

func (e dirEntry) records() int { return int((e.size + recordSize - 1) / recordSize) }

// errNoDir is the error of every file operation when Config.Dir is "".
var errNoDir = errors.New("no disk directory configured")

func (d *disk) root() (*os.Root, error) {
	if d.dir == "" {
		return nil, errNoDir
	}
	return os.OpenRoot(d.dir)
}

// list returns the files of the directory matching pattern, sorted by name.
// Of host names differing only in case the first in byte order is used.
func (d *disk) list(pattern name83) ([]dirEntry, error) {
	r, err := d.root()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	f, err := r.Open(".")
	if err != nil {
		return nil, err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []dirEntry
	seen := map[name83]bool{}
	for _, h := range names {
		n, ok := parseHostName(h)
		if !ok || seen[n] || !n.match(pattern) {
			continue
		}
		fi, err := r.Stat(h) // follows links, but only inside the directory
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		seen[n] = true
		out = append(out, dirEntry{name: n, host: h, size: fi.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return string(out[i].name[:]) < string(out[j].name[:]) })
	return out, nil
}

// fcb reads the file name of the FCB at a. ok is false for a drive other
// than the default or A:, or a malformed name.
func (m *Machine) fcb(a uint16, wild bool) (name83, bool) {
	mem := &m.CPU.Mem
	var n name83
	for i := range n {
		b := mem[a+fcbName+uint16(i)] & 0x7F
		if b >= 'a' && b <= 'z' {
			b -= 'a' - 'A'
		}
		n[i] = b
	}
	drive := mem[a+fcbDrive]
	return n, (drive == 0 || drive == 1) && n.valid(wild)
}

// matching returns the files the FCB at a names (wildcards '?' allowed
// when wild is set); nil when the name is invalid, nothing matches or the
// directory cannot be read.
func (m *Machine) matching(a uint16, wild bool) []dirEntry {
	n, ok := m.fcb(a, wild)
	if !ok {
		return nil
	}
	es, err := m.dsk.list(n)
	if err != nil {
		m.diskErr(err)
		return nil
	}
	return es
}

// find returns the one file an unambiguous FCB names.
func (m *Machine) find(a uint16) (dirEntry, bool) {
	es := m.matching(a, false)
	if len(es) == 0 {
		return dirEntry{}, false
	}
	return es[0], true
}

func (m *Machine) diskErr(err error) {
	if !errors.Is(err, errNoDir) {
		m.note(fmt.Sprintf("disk: %v", err))
	}
}

// seqRecord is the record the FCB's ex, s2 and cr fields point at.
func seqRecord(mem *[65536]byte, a uint16) int {
	ext := int(mem[a+fcbS2]&0x3F)<<5 | int(mem[a+fcbEx]&0x1F)
	return ext*extentRecords + int(mem[a+fcbCR]&0x7F)
}

// setPosition points the FCB's sequential fields at record rec of file e
// and fills rc and the allocation map for that extent.
func setPosition(mem *[65536]byte, a uint16, rec int, e dirEntry) {
	ext := rec / extentRecords
	mem[a+fcbCR] = byte(rec % extentRecords)
	mem[a+fcbEx] = byte(ext & 0x1F)
	mem[a+fcbS2] = byte(ext >> 5)
	x := extentInfo(ext, e.records())
	poke(mem, a+fcbRC, x[:])
}

// extentInfo returns rc and the allocation map of extent ext of a file
// with recs records: one nonzero block number per 1K block in use, so that
// programs counting blocks see the file's size.
func extentInfo(ext, recs int) [17]byte {
	var b [17]byte
	rc := min(max(recs-ext*extentRecords, 0), extentRecords)
	b[0] = byte(rc)
	for i := 0; i*8 < rc; i++ {
		b[1+i] = byte(1 + (ext*16+i)%255)
	}
	return b
}

// poke copies b to memory at a, wrapping round at 64K as Z80 addresses do.
func poke(mem *[65536]byte, a uint16, b []byte) {
	for i, v := range b {
		mem[a+uint16(i)] = v
	}
}

// dirRecord writes the directory entry of extent ext of e at the DMA
// address, followed by three empty entries, as a directory sector would.
func (m *Machine) dirRecord(e dirEntry, ext int) {
	var sec [recordSize]byte
	for i := range sec {
		sec[i] = 0xE5
	}
	sec[0] = 0 // user 0
	copy(sec[1:12], e.name[:])
	sec[12] = byte(ext & 0x1F)
	sec[13] = 0
	sec[14] = byte(ext >> 5)
	x := extentInfo(ext, e.records())
	copy(sec[15:], x[:])
	poke(&m.CPU.Mem, m.dsk.dma, sec[:])
}

func (m *Machine) fromDMA() []byte {
	b := make([]byte, recordSize)
	for i := range b {
		b[i] = m.CPU.Mem[m.dsk.dma+uint16(i)]
	}
	return b
}

// diskCall does BDOS functions 13-40.
func (m *Machine) diskCall(fn byte) {
	c := m.CPU
	mem := &c.Mem
	a := c.DE()
	ret := func(v uint16) { m.setReturn(v) }
	switch fn {
	case 13: // reset disk system
		m.dsk.dma = tailAddr
		ret(0)
	case 14: // select disk: only A: exists
		if c.E != 0 {
			ret(0xFF)
			return
		}
		ret(0)
	case 15: // open file
		es := m.matching(a, true)
		if len(es) == 0 {
			ret(0xFF)
			return
		}
		poke(mem, a+fcbName, es[0].name[:])
		x := extentInfo(seqRecord(mem, a)/extentRecords, es[0].records())
		poke(mem, a+fcbRC, x[:])
		ret(0)
	case 16, 30: // close file, set file attributes: the file must exist
		if _, ok := m.find(a); !ok {
			ret(0xFF)
			return
		}
		ret(0)
	case 17: // search first
		m.dsk.search = nil
		all := mem[a+fcbDrive] == '?'
		var pattern name83
		if all {
			for i := range pattern {
				pattern[i] = '?'
			}
		} else {
			n, ok := m.fcb(a, true)
			if !ok {
				ret(0xFF)
				return
			}
			pattern = n
		}
		es, err := m.dsk.list(pattern)
		if err != nil {
			m.diskErr(err)
		}
		wantExt := mem[a+fcbEx]
		for _, e := range es {
			for x := range max(1, (e.records()+extentRecords-1)/extentRecords) {
				if all || wantExt == '?' || int(wantExt&0x1F) == x&0x1F {
					m.dsk.search = append(m.dsk.search, searchHit{e, x})
				}
			}
		}
		fallthrough
	case 18: // search next
		if len(m.dsk.search) == 0 {
			ret(0xFF)
			return
		}
		h := m.dsk.search[0]
		m.dsk.search = m.dsk.search[1:]
		m.dirRecord(h.entry, h.ext)
		ret(0) // the entry is the first of the four in the DMA buffer
	case 19: // delete file(s)
		es := m.matching(a, true)
		if len(es) == 0 {
			ret(0xFF)
			return
		}
		m.withRoot(func(r *os.Root) error {
			for _, e := range es {
				if err := r.Remove(e.host); err != nil {
					return err
				}
			}
			return nil
		})
		ret(0)
	case 20: // read sequential
		e, ok := m.find(a)
		if !ok {
			ret(1)
			return
		}
		rec := seqRecord(mem, a)
		if rec >= e.records() {
			ret(1) // end of file
			return
		}
		if !m.readRecord(e, rec) {
			ret(1)
			return
		}
		setPosition(mem, a, rec+1, e)
		ret(0)
	case 21: // write sequential
		e, ok := m.find(a)
		if !ok {
			ret(1)
			return
		}
		rec := seqRecord(mem, a)
		if !m.writeRecord(&e, rec) {
			ret(2)
			return
		}
		setPosition(mem, a, rec+1, e)
		ret(0)
	case 22: // make file
		n, ok := m.fcb(a, false)
		if !ok {
			ret(0xFF)
			return
		}
		host := n.host()
		if e, found := m.find(a); found {
			host = e.host
		}
		flags := os.O_WRONLY | os.O_CREATE
		if mem[a+fcbEx] == 0 && mem[a+fcbS2] == 0 {
			flags |= os.O_TRUNC // a new file, as after delete + make
		}
		if !m.withRoot(func(r *os.Root) error {
			f, err := r.OpenFile(host, flags, 0o644)
			if err != nil {
				return err
			}
			return f.Close()
		}) {
			ret(0xFF)
			return
		}
		poke(mem, a+fcbName, n[:])
		for i := uint16(fcbRC); i < fcbRC+17; i++ {
			mem[a+i] = 0
		}
		ret(0)
	case 23: // rename: new name at FCB+16
		e, ok := m.find(a)
		n, ok2 := m.fcb(a+16, false)
		if !ok || !ok2 {
			ret(0xFF)
			return
		}
		if es, err := m.dsk.list(n); err != nil || len(es) > 0 {
			ret(0xFF) // the new name is taken
			return
		}
		if !m.withRoot(func(r *os.Root) error { return r.Rename(e.host, n.host()) }) {
			ret(0xFF)
			return
		}
		ret(0)
	case 24: // login vector: A: only
		ret(1)
	case 25: // current disk
		ret(0)
	case 26: // set DMA address
		m.dsk.dma = a
		ret(0)
	case 27: // allocation vector address
		ret(allocAddr)
	case 28, 37: // write protect disk, reset drive
		ret(0)
	case 29: // read-only vector
		ret(0)
	case 31: // disk parameter block address
		ret(dpbAddr)
	case 32: // get/set user code
		if c.E == 0xFF {
			ret(uint16(m.dsk.user))
			return
		}
		m.dsk.user = c.E & 0x1F
		ret(0)
	case 33, 34, 40: // read random, write random (40: with zero fill)
		rec, ok := randomRecord(mem, a)
		if !ok {
			ret(6) // seek past the end of the disk
			return
		}
		e, found := m.find(a)
		if !found {
			ret(fileMissing(fn))
			return
		}
		if fn == 33 {
			if rec >= e.records() {
				if rec/extentRecords > (e.records()-1)/extentRecords || e.records() == 0 {
					ret(4) // unwritten extent
				} else {
					ret(1) // unwritten record
				}
				return
			}
			if !m.readRecord(e, rec) {
				ret(1)
				return
			}
		} else if !m.writeRecord(&e, rec) {
			ret(2)
			return
		}
		setPosition(mem, a, rec, e)
		ret(0)
	case 35: // compute file size into r0-r2
		e, ok := m.find(a)
		if !ok {
			setRandom(mem, a, 0)
			ret(0xFF)
			return
		}
		setRandom(mem, a, e.records())
		ret(0)
	case 36: // set random record from the sequential position
		setRandom(mem, a, seqRecord(mem, a))
		ret(0)
	default:
		m.note(fmt.Sprintf("BDOS function %d is not implemented; it returns 0", fn))
		ret(0)
	}
}

// fileMissing is the error code of a random access to a file that is not
// there: 4 (unwritten extent) for reads, 5 (directory full) for writes.
func fileMissing(fn byte) uint16 {
	if fn == 33 {
		return 4
	}
	return 5
}

func randomRecord(mem *[65536]byte, a uint16) (int, bool) {
	return int(mem[a+fcbR0]) | int(mem[a+fcbR0+1])<<8, mem[a+fcbR0+2] == 0
}

func setRandom(mem *[65536]byte, a uint16, rec int) {
	mem[a+fcbR0] = byte(rec)
	mem[a+fcbR0+1] = byte(rec >> 8)
	mem[a+fcbR0+2] = byte(rec >> 16)
}

// withRoot runs f on the opened directory and reports success; failures are
// noted on Stderr.
func (m *Machine) withRoot(f func(*os.Root) error) bool {
	r, err := m.dsk.root()
	if err == nil {
		err = f(r)
		r.Close()
	}
	if err != nil {
		m.diskErr(err)
		return false
	}
	return true
}

// readRecord copies record rec of e to the DMA buffer, padding a short last
// record with ^Z.
func (m *Machine) readRecord(e dirEntry, rec int) bool {
	buf := make([]byte, recordSize)
	ok := m.withRoot(func(r *os.Root) error {
		f, err := r.Open(e.host)
		if err != nil {
			return err
		}
		defer f.Close()
		n, err := f.ReadAt(buf, int64(rec)*recordSize)
		for i := n; i < recordSize; i++ {
			buf[i] = eofByte
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
		return err
	})
	if ok {
		poke(&m.CPU.Mem, m.dsk.dma, buf)
	}
	return ok
}

// writeRecord writes the DMA buffer as record rec of e and updates e.size.
func (m *Machine) writeRecord(e *dirEntry, rec int) bool {
	buf := m.fromDMA()
	return m.withRoot(func(r *os.Root) error {
		f, err := r.OpenFile(e.host, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		if _, err := f.WriteAt(buf, int64(rec)*recordSize); err != nil {
			f.Close()
			return err
		}
		e.size = max(e.size, int64(rec+1)*recordSize)
		return f.Close()
	})
}
