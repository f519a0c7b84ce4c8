// Package cpm is a CP/M 2.2 machine on the z80 emulator: 64 KiB of RAM laid
// out as a 62K CP/M 2.2 system leaves it for a transient program, with the
// BDOS and BIOS calls done by the host.
//
// Memory map (62K system):
//
//	0000h  JP F203h           warm boot (BIOS jump table entry 1)
//	0003h  IOBYTE, 0004h drive/user
//	0005h  JP E406h           BDOS entry; 0006h-0007h = E406h = top of the TPA
//	005Ch  default FCB 1, 006Ch default FCB 2 (parsed from the command tail)
//	0080h  command tail (length, then the text) and default DMA buffer
//	0100h  the .COM program (TPA up to E405h; the CCP at DC00h is overwritable)
//	E406h  RET                where the host does the BDOS work
//	F200h  BIOS jump table: 17 × JP to a RET in F233h-F243h
//
// The host does BDOS and BIOS work in zero T-states when PC reaches E406h or
// a BIOS jump table entry; then the RET (or the JP and the RET) execute, so a
// BDOS call costs exactly CALL 0005h + JP E406h + RET = 17+10+10 T-states.
//
// Not emulated: the printer echo toggled by ^P, and the list, punch and
// reader devices (output is dropped, the reader returns ^Z). There is one
// drive, A:.
package cpm

import (
	"errors"
	"fmt"
	"io"
	"os"

	"z80lm/z80"
)

// Addresses of the 62K CP/M 2.2 layout.
const (
	TPA       = 0x0100 // program load address
	CCP       = 0xDC00 // console command processor (overwritable by programs)
	BDOS      = 0xE406 // BDOS entry: JP target at 0005h and the TPA top in 0006h
	BIOS      = 0xF200 // BIOS jump table
	StackTop  = 0xE3FE // initial SP; (E3FEh) holds 0000h so RET warm-boots
	biosCalls = 17     // CP/M 2.2 BIOS jump table entries (BOOT ... SECTRAN)
	biosRets  = BIOS + 3*biosCalls
	fcb1      = 0x005C
	fcb2      = 0x006C
	tailAddr  = 0x0080
	dpbAddr   = 0xF260 // disk parameter block returned by BDOS 31
	allocAddr = 0xF270 // allocation vector returned by BDOS 27
)

// MaxProgram is the largest .COM image that loads: from 0100h up to the
// initial stack word at E3FEh.
const MaxProgram = StackTop - TPA

// ErrTStateLimit is returned (wrapped, with the limit and PC) when a program
// runs past Config.MaxTStates.
var ErrTStateLimit = errors.New("T-state limit reached")

// ErrHalted is returned (wrapped) when the CPU executes HALT: this machine
// has no interrupt source, so it would never resume.
var ErrHalted = errors.New("CPU halted")

// ErrUnterminated is returned (wrapped) when BDOS 9 is asked to print a
// string that has no '$' anywhere in memory.
var ErrUnterminated = errors.New("unterminated string")

// Config describes one program run.
type Config struct {
	Program []byte // the .COM image, loaded at 0100h
	Tail    string // command tail (after the program name), upper-cased into 0080h and the FCBs
	// Input is console input, read a line at a time (its newline becomes
	// CR) when the program asks for input (BDOS 1, 6 with FFh, 10, BIOS
	// CONIN) and nothing is queued; status calls see only what has been
	// read. nil = only what Feed queues.
	Input      io.Reader
	Output     io.Writer // console output (bytes as the program writes them); nil = discarded
	MaxTStates uint64    // 0 = no limit; running past it is ErrTStateLimit
	Dir        string    // host directory for the disk BDOS calls ("" = disk calls fail cleanly)

	// OnOutput, if set, is called for every console output byte with the
	// T-state count at which the program wrote it (for pacing at 4 MHz).
	OnOutput func(b byte, t uint64)
	// Stderr receives notes about unimplemented BDOS calls (once per
	// function); nil = os.Stderr.
	Stderr io.Writer
}

// State is where a stepwise run stands.
type State int

const (
	Running      State = iota // more to run
	WaitingInput              // the program waits for console input: Feed it
	Exited                    // the program ended (see ExitReason)
)

func (s State) String() string {
	switch s {
	case Running:
		return "running"
	case WaitingInput:
		return "waiting for input"
	case Exited:
		return "exited"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Stats are the T-state figures of a run.
type Stats struct {
	TStates uint64     // total T-states executed
	Lines   []LineStat // one per line submitted through BDOS 10
}

// LineStat measures the work done for one console input line.
type LineStat struct {
	Input string // the line as the program received it (after editing, cut to the buffer)
	// TStates counts from the moment BDOS 10 hands the line over (at E406h,
	// before its RET) to the next console input request (BDOS 1 or 10, BIOS
	// CONIN) or the end of the program.
	TStates uint64
	Chars   int    // console characters printed in that time
	Output  string // those characters
}

// Machine is a CP/M 2.2 machine running one program.
type Machine struct {
	CPU *z80.CPU

	cfg    Config
	stderr io.Writer
	hooks  map[uint16]func(*z80.CPU)

	state    State
	reason   string
	err      error
	serviced bool // the trap at PC has been handled; its instruction runs next

	in  inputQueue
	con console
	dsk disk

	noted map[string]bool // unimplemented calls already reported

	lines   []LineStat
	open    bool   // lines[len-1] is still being measured
	opened  uint64 // T-state count when it was submitted
	lineOut []byte // what it has printed so far
	outErr  error
	scratch [1]byte
}

// New loads cfg.Program into a fresh machine, ready to run at 0100h.
func New(cfg Config) (*Machine, error) {
	if len(cfg.Program) > MaxProgram {
		return nil, fmt.Errorf("program is %d bytes, %d too many: a .COM file loads at 0100h and must end below the initial stack at %04Xh (at most %d bytes)",
			len(cfg.Program), len(cfg.Program)-MaxProgram, StackTop, MaxProgram)
	}
	tail, err := commandTail(cfg.Tail)
	if err != nil {
		return nil, err
	}
	m := &Machine{
		CPU:    z80.New(),
		cfg:    cfg,
		stderr: cfg.Stderr,
		hooks:  map[uint16]func(*z80.CPU){},
		noted:  map[string]bool{},
	}
	if m.stderr == nil {
		m.stderr = os.Stderr
	}
	m.in.r = newLineReader(cfg.Input)
	m.dsk = newDisk(cfg.Dir)

	c := m.CPU
	mem := &c.Mem
	jp := func(at, to uint16) { mem[at], mem[at+1], mem[at+2] = 0xC3, byte(to), byte(to>>8) }
	jp(0x0000, BIOS+3)
	jp(0x0005, BDOS)
	mem[BDOS] = 0xC9 // RET
	c.SetTrap(BDOS, true)
	for k := uint16(0); k < biosCalls; k++ {
		jp(BIOS+3*k, biosRets+k)
		mem[biosRets+k] = 0xC9
		c.SetTrap(BIOS+3*k, true)
	}
	copy(mem[dpbAddr:], diskParams[:])
	copy(mem[allocAddr:], allocVector[:])

	// Default FCBs and the command tail, as the CCP leaves them.
	rest := parseFCB(mem[fcb1:fcb1+16], tail)
	parseFCB(mem[fcb2:fcb2+16], rest)
	mem[fcb1+32] = 0 // current record of FCB 1
	if tail == "" {
		mem[tailAddr] = 0
	} else {
		mem[tailAddr] = byte(1 + len(tail))
		mem[tailAddr+1] = ' '
		copy(mem[tailAddr+2:], tail)
	}
	mem[tailAddr+1+int(mem[tailAddr])] = 0 // the CCP copies the terminating zero

	copy(mem[TPA:], cfg.Program)
	c.SetAF(0)
	c.SetBC(0)
	c.SetDE(0)
	c.SetHL(0)
	c.SP = StackTop
	mem[StackTop], mem[StackTop+1] = 0, 0
	c.PC = TPA
	m.dsk.dma = tailAddr
	return m, nil
}

// Hook calls fn before the instruction at addr executes (each time PC
// reaches it). A hook at a BDOS or BIOS entry runs before the host's work,
// and again when a call that waited for input resumes.
func (m *Machine) Hook(addr uint16, fn func(cpu *z80.CPU)) {
	m.hooks[addr] = fn
	m.CPU.SetTrap(addr, true)
}

// State returns where the run stands.
func (m *Machine) State() State { return m.state }

// ExitReason says why the program ended ("" while it runs).
func (m *Machine) ExitReason() string { return m.reason }

// Stats returns the T-state figures so far.
func (m *Machine) Stats() Stats {
	s := Stats{TStates: m.CPU.T, Lines: append([]LineStat(nil), m.lines...)}
	if m.open {
		l := &s.Lines[len(s.Lines)-1]
		l.TStates = m.CPU.T - m.opened
		l.Output = string(m.lineOut)
	}
	return s
}

// Run runs the program until it ends: a warm boot, BDOS 0, Ctrl-C at the
// start of a line, or console input running out while the program waits for
// it all return nil (ExitReason says which). A runaway program returns an
// error wrapping ErrTStateLimit, a HALT one wrapping ErrHalted, a BDOS 9
// call without '$' in memory one wrapping ErrUnterminated.
func (m *Machine) Run() error {
	for {
		st, err := m.RunFor(1 << 32)
		switch {
		case err != nil:
			return err
		case st == WaitingInput:
			m.exit("input exhausted")
			return nil
		case st == Exited:
			return nil
		}
	}
}

// RunFor runs for about n T-states (it stops at the first instruction
// boundary at or after them) or until the program waits for input or ends.
// Console input comes from Feed and, when Feed's bytes run out, from
// Config.Input a line at a time; WaitingInput means both are empty.
func (m *Machine) RunFor(n uint64) (State, error) {
	if m.state == Exited {
		return Exited, m.err
	}
	c := m.CPU
	limit := c.T + n
	if limit < c.T {
		limit = ^uint64(0)
	}
	max := m.cfg.MaxTStates
	if max > 0 && limit > max {
		limit = max
	}
	m.state = Running
	for {
		if !m.serviced && m.trapped(c.PC) {
			pc := c.PC
			m.service(pc)
			if m.state != Running {
				return m.state, m.err
			}
			if c.PC != pc { // a hook moved PC: look at the new address first
				continue
			}
			m.serviced = true
		}
		if c.T >= limit {
			if max > 0 && c.T >= max {
				return m.fail(fmt.Errorf("%w: %d T-states used, stopped at PC=%04Xh (a runaway program?)", ErrTStateLimit, max, c.PC))
			}
			return Running, nil
		}
		if m.serviced {
			m.serviced = false
			c.Step()
			continue
		}
		if c.Run(limit) == z80.StopLimit && c.Halted {
			c.T = c.HaltedAt // count the time up to the HALT, not the idle cycles after it
			return m.fail(fmt.Errorf("%w at PC=%04Xh: HALT with no interrupt source never resumes", ErrHalted, c.PC))
		}
	}
}

// trapped says whether pc is a trap address: the BDOS entry, a BIOS jump
// table entry or a hook.
func (m *Machine) trapped(pc uint16) bool {
	return pc == BDOS || pc >= BIOS && pc < biosRets && (pc-BIOS)%3 == 0 || m.hooks[pc] != nil
}

// service handles the trap at pc: a user hook, then BDOS or BIOS work.
func (m *Machine) service(pc uint16) {
	if fn := m.hooks[pc]; fn != nil {
		fn(m.CPU)
		if m.CPU.PC != pc {
			return
		}
	}
	switch {
	case pc == BDOS:
		m.bdos()
	case pc >= BIOS && pc < biosRets && (pc-BIOS)%3 == 0:
		m.bios(int(pc-BIOS) / 3)
	}
	if m.outErr != nil && m.state != Exited {
		m.fail(fmt.Errorf("console output: %w", m.outErr))
	}
}

// exit ends the program normally.
func (m *Machine) exit(reason string) {
	m.closeLine()
	m.state = Exited
	m.reason = reason
}

// fail ends the program with an error.
func (m *Machine) fail(err error) (State, error) {
	m.exit(err.Error())
	m.err = err
	return Exited, err
}

// note reports something the program should know about, once.
func (m *Machine) note(msg string) {
	if m.noted[msg] {
		return
	}
	m.noted[msg] = true
	fmt.Fprintf(m.stderr, "cpm: %s\n", msg)
}

// setReturn sets the BDOS result registers as CP/M 2.2's BDOS exit does:
// HL = value, A = L, B = H.
func (m *Machine) setReturn(v uint16) {
	c := m.CPU
	c.SetHL(v)
	c.A = c.L
	c.B = c.H
}

// bios does the work of BIOS jump table entry k.
func (m *Machine) bios(k int) {
	c := m.CPU
	switch k {
	case 0, 1: // BOOT, WBOOT
		m.exit("warm boot")
	case 2: // CONST
		c.A = 0
		if m.in.ready() {
			c.A = 0xFF
		}
	case 3: // CONIN
		if b, ok := m.readKey(); ok {
			c.A = b
		}
	case 4: // CONOUT
		m.emit(c.C)
	case 7: // READER: end of file
		c.A = 0x1A
	case 9: // SELDSK: no disk for raw BIOS access
		c.SetHL(0)
	case 13, 14: // READ, WRITE: error
		c.A = 1
	case 15: // LISTST: ready
		c.A = 0xFF
	case 16: // SECTRAN: no translation
		c.SetHL(c.BC())
	}
	// LIST, PUNCH, HOME, SETTRK, SETSEC, SETDMA just return.
}

// bdos does the work of the BDOS call in C with parameter DE.
func (m *Machine) bdos() {
	c := m.CPU
	fn := c.C
	switch {
	case fn == 0:
		m.exit("BDOS 0 (system reset)")
	case fn <= 12:
		m.consoleCall(fn)
	case fn <= 40:
		m.diskCall(fn)
	default:
		m.note(fmt.Sprintf("BDOS function %d is not implemented; it returns 0", fn))
		m.setReturn(0)
	}
}
