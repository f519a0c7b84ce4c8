package cpm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Console control characters.
const (
	ctlC   = 0x03
	ctlE   = 0x05
	ctlH   = 0x08
	tab    = 0x09
	lf     = 0x0A
	cr     = 0x0D
	ctlP   = 0x10
	ctlR   = 0x12
	ctlS   = 0x13
	ctlU   = 0x15
	ctlX   = 0x18
	rubout = 0x7F
)

// console is the BDOS console state (the variables of CP/M 2.2's BDOS).
type console struct {
	column  byte // cursor column as the BDOS counts it
	strtcol byte // column where the current BDOS 10 line started
	compute bool // only computing columns (backspace), not printing
	paused  bool // ^S seen: output waits for the next key
	edit    lineEdit
}

// lineEdit is a BDOS 10 call in progress; it survives waiting for input.
type lineEdit struct {
	active bool
	addr   uint16 // DE: max length, count, characters
	n      byte   // characters in the buffer
}

// inputQueue holds console input: bytes fed by Feed, then lines read from
// Config.Input when the program asks for input and nothing is queued.
type inputQueue struct {
	buf []byte
	r   *lineReader
	end bool // no more input: Config.Input ended or EndInput was called
}

// ready reports whether a character is waiting. Status calls (BDOS 11,
// BDOS 6 with FEh, BIOS CONST) never read a new line from Config.Input: a
// pipe stands for a user who types a line when the program asks for one, so
// a program checking for a key to interrupt its work is not interrupted.
func (q *inputQueue) ready() bool { return len(q.buf) > 0 }

// lineReader reads console input lines, each ended by CR as a terminal's
// Return key sends it.
type lineReader struct{ br *bufio.Reader }

func newLineReader(r io.Reader) *lineReader {
	if r == nil {
		return nil
	}
	return &lineReader{bufio.NewReader(r)}
}

// line returns the next line with "\n" or "\r\n" replaced by CR, or io.EOF.
func (lr *lineReader) line() ([]byte, error) {
	b, err := lr.br.ReadBytes('\n')
	if len(b) == 0 {
		if err == nil {
			err = io.EOF
		}
		return nil, err
	}
	if b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
		if len(b) > 0 && b[len(b)-1] == '\r' {
			b = b[:len(b)-1]
		}
	}
	return append(b, cr), nil
}

// Feed queues console input bytes (keys as a terminal sends them: Return is
// CR). A program waiting for input continues at the next RunFor.
func (m *Machine) Feed(b []byte) { m.in.buf = append(m.in.buf, b...) }

// EndInput says that no more input will be fed: a program that waits for
// console input, now or later, ends with ExitReason "input exhausted".
func (m *Machine) EndInput() {
	m.in.end = true
	if m.state == WaitingInput {
		m.exit("input exhausted")
	}
}

// readKey takes the next console input byte for a blocking input request.
// If there is none it sets the state (WaitingInput, or Exited when the
// input has ended) and returns false; the BDOS call is then done again when
// the run resumes.
func (m *Machine) readKey() (byte, bool) {
	m.closeLine()
	q := &m.in
	if len(q.buf) == 0 && !m.pull() {
		return 0, false
	}
	if len(q.buf) == 0 {
		if q.end {
			m.exit("input exhausted")
		} else {
			m.state = WaitingInput
		}
		return 0, false
	}
	b := q.buf[0]
	q.buf = q.buf[1:]
	return b, true
}

// pull queues the next line of Config.Input, if there is one. It returns
// false if reading failed (the machine has then stopped with the error).
func (m *Machine) pull() bool {
	q := &m.in
	if q.r == nil {
		return true
	}
	m.closeLine()
	line, err := q.r.line()
	switch {
	case errors.Is(err, io.EOF):
		q.r = nil
		q.end = true
	case err != nil:
		m.fail(fmt.Errorf("reading console input: %w", err))
		return false
	default:
		q.buf = append(q.buf, line...)
	}
	return true
}

// emit writes one byte to the console device (BIOS CONOUT).
func (m *Machine) emit(b byte) {
	if m.cfg.Output != nil && m.outErr == nil {
		m.scratch[0] = b
		_, m.outErr = m.cfg.Output.Write(m.scratch[:])
	}
	if m.cfg.OnOutput != nil {
		m.cfg.OnOutput(b, m.CPU.T)
	}
	if m.open {
		m.lines[len(m.lines)-1].Chars++
		m.lineOut = append(m.lineOut, b)
	}
}

// conout writes b through the BDOS and keeps the column count as CP/M 2.2
// does: printable characters advance it, backspace takes one back, line
// feed resets it, other control characters and DEL leave it.
func (m *Machine) conout(b byte) {
	if !m.con.compute {
		m.emit(b)
	}
	col := &m.con.column
	switch {
	case b == rubout:
	case b >= ' ':
		*col++
	case *col == 0:
	case b == ctlH:
		*col--
	case b == lf:
		*col = 0
	}
}

// tabout writes b, expanding a tab to spaces up to the next multiple of 8.
func (m *Machine) tabout(b byte) {
	if b != tab {
		m.conout(b)
		return
	}
	for {
		m.conout(' ')
		if m.con.column&7 == 0 {
			return
		}
	}
}

// echoable reports whether the BDOS echoes b as it is (printable, CR, LF,
// tab or backspace); other control characters are shown as ^X.
func echoable(b byte) bool {
	return b >= ' ' || b == cr || b == lf || b == tab || b == ctlH
}

// ctlout writes b, showing a control character as '^' and a letter.
func (m *Machine) ctlout(b byte) {
	if !echoable(b) {
		m.conout('^')
		b |= 0x40
	}
	m.tabout(b)
}

func (m *Machine) crlf() {
	m.conout(cr)
	m.conout(lf)
}

// crlfp prints "#", a new line and blanks up to the start column, as the
// line editor does for ^U, ^R and ^H.
func (m *Machine) crlfp() {
	m.conout('#')
	m.crlf()
	for m.con.column < m.con.strtcol {
		m.conout(' ')
	}
}

// backup moves the cursor back one position, erasing it, without touching
// the column count.
func (m *Machine) backup() {
	m.emit(ctlH)
	m.emit(' ')
	m.emit(ctlH)
}

// consoleCall does BDOS functions 1-12.
func (m *Machine) consoleCall(fn byte) {
	c := m.CPU
	switch fn {
	case 1: // console input with echo
		b, ok := m.readKey()
		if !ok {
			return
		}
		if echoable(b) {
			m.tabout(b)
		}
		m.setReturn(uint16(b))
	case 2: // console output
		if _, ok := m.conbrk(); !ok {
			return
		}
		m.tabout(c.E)
		m.setReturn(0)
	case 3: // reader input: end of file
		m.setReturn(0x1A)
	case 4, 5: // punch, list: no such devices
		m.setReturn(0)
	case 6: // direct console I/O
		var v uint16
		switch c.E {
		case 0xFF:
			// A direct read is a request for input: with a pipe it takes
			// the next line, so that programs that read keys only this way
			// work. At the end of the input it keeps returning 0.
			if !m.in.ready() && !m.pull() {
				return
			}
			if m.in.ready() {
				v = uint16(m.in.buf[0])
				m.in.buf = m.in.buf[1:]
			}
		case 0xFE:
			if m.in.ready() {
				v = 0xFF
			}
		default:
			m.emit(c.E)
		}
		m.setReturn(v)
	case 7: // get IOBYTE
		m.setReturn(uint16(c.Mem[3]))
	case 8: // set IOBYTE
		c.Mem[3] = c.E
		m.setReturn(0)
	case 9: // print string up to '$'
		if _, ok := m.conbrk(); !ok {
			return
		}
		a := c.DE()
		n := bytes.IndexByte(c.Mem[a:], '$')
		if n < 0 {
			if n = bytes.IndexByte(c.Mem[:a], '$'); n >= 0 {
				n += 0x10000 - int(a)
			}
		}
		if n < 0 {
			// CP/M would print round memory for ever.
			m.fail(fmt.Errorf("%w: BDOS 9 called with DE=%04Xh, and there is no '$' in all of memory", ErrUnterminated, a))
			return
		}
		for i := 0; i < n; i++ {
			m.tabout(c.Mem[a])
			a++
		}
		m.setReturn(0)
	case 10:
		m.readBuffer()
	case 11: // console status
		paused, ok := m.conbrk()
		if !ok {
			return
		}
		var v uint16
		if m.in.ready() && !paused {
			v = 1
		}
		m.setReturn(v)
	case 12: // version: CP/M 2.2
		m.setReturn(0x0022)
	}
}

// conbrk is CP/M's check for a pause request, made before console output
// (BDOS 2 and 9) and by the status call (BDOS 11): a ^S at the head of the
// input is taken and output waits for the next key, which is dropped; ^C
// warm-boots instead. Other waiting keys stay for the program. CP/M checks
// before each character; BDOS 9 here checks once, before the string. (The
// echo of BDOS 1 and 10 does not check.) ok is false if the machine now
// waits for the key or has ended; paused says whether a pause happened.
func (m *Machine) conbrk() (paused, ok bool) {
	if !m.con.paused {
		if len(m.in.buf) == 0 || m.in.buf[0] != ctlS {
			return false, true
		}
		m.in.buf = m.in.buf[1:]
		m.con.paused = true
	}
	b, ok := m.readKey()
	if !ok {
		return true, false
	}
	m.con.paused = false
	if b == ctlC {
		m.exit("warm boot (Ctrl-C after Ctrl-S)")
		return true, false
	}
	return true, true
}

// readBuffer is BDOS 10, CP/M 2.2's line editor. DE points at the buffer:
// maximum length, then the count the BDOS stores, then the characters.
// CR or LF ends the line (not stored) and is echoed as CR alone. ^H erases
// the last character, DEL erases it and echoes it (hard-copy style), ^X
// erases the line, ^U and ^R start a new line (discarding, resp. retyping
// it), ^E moves to a new physical line, ^P would toggle the printer. ^C as
// the first character warm-boots. Characters beyond the maximum are ignored
// until the line ends, so an over-long line is cut to the buffer (CP/M 2.2
// itself would end the line when the buffer fills and leave the rest for
// the next read).
func (m *Machine) readBuffer() {
	c := m.CPU
	mem := &c.Mem
	e := &m.con.edit
	if !e.active {
		*e = lineEdit{active: true, addr: c.DE()}
		m.con.strtcol = m.con.column
	}
	for {
		b, ok := m.readKey()
		if !ok {
			return // resumes with e as it stands
		}
		b &= 0x7F
		switch b {
		case cr, lf:
			e.active = false
			mem[e.addr+1] = e.n
			m.conout(cr)
			line := make([]byte, e.n)
			for i := range line {
				line[i] = mem[e.addr+2+uint16(i)]
			}
			m.submitLine(string(line))
			m.setReturn(0)
			return
		case ctlH:
			if e.n > 0 {
				e.n--
				m.eraseLast()
			}
		case rubout:
			if e.n > 0 {
				m.ctlout(mem[e.addr+1+uint16(e.n)])
				e.n--
			}
		case ctlE:
			m.crlf()
			m.con.strtcol = 0
		case ctlP:
			// printer echo toggle: there is no printer
		case ctlX:
			for m.con.column > m.con.strtcol {
				m.con.column--
				m.backup()
			}
			e.n = 0
			m.con.strtcol = m.con.column
		case ctlU:
			m.crlfp()
			e.n = 0
			m.con.strtcol = m.con.column
		case ctlR:
			m.retype()
		default:
			if b == ctlC && e.n == 0 {
				mem[e.addr+2] = b
				m.ctlout(b)
				e.active = false
				m.exit("warm boot (Ctrl-C at the start of a line)")
				return
			}
			if e.n < mem[e.addr] {
				e.n++
				mem[e.addr+1+uint16(e.n)] = b
				m.ctlout(b)
			}
		}
	}
}

// retype prints "#", a new line, and the buffer again (^R).
func (m *Machine) retype() {
	m.crlfp()
	e := &m.con.edit
	for i := uint16(0); i < uint16(e.n); i++ {
		m.ctlout(m.CPU.Mem[e.addr+2+i])
	}
}

// eraseLast erases the character just removed from the buffer (^H): it
// computes, without printing, the column the shortened line ends at, then
// backs up to it. At column 0 (after ^E) CP/M retypes the line instead.
func (m *Machine) eraseLast() {
	old := m.con.column
	if old == 0 {
		m.retype()
		return
	}
	m.con.compute = true
	m.retype()
	m.con.compute = false
	for n := old - m.con.column; ; {
		m.backup()
		if n--; n == 0 {
			return
		}
	}
}

// submitLine starts measuring the work done for a line just handed over.
func (m *Machine) submitLine(s string) {
	m.lines = append(m.lines, LineStat{Input: s})
	m.open = true
	m.opened = m.CPU.T
	m.lineOut = m.lineOut[:0]
}

// closeLine ends the measurement of the open line.
func (m *Machine) closeLine() {
	if !m.open {
		return
	}
	l := &m.lines[len(m.lines)-1]
	l.TStates = m.CPU.T - m.opened
	l.Output = string(m.lineOut)
	m.open = false
}
