package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"z80lm/cpm"
)

func init() {
	register(&command{name: "run",
		args:    "FILE.COM [ARG...] [--stats FILE.json] [--max-tstates N] [--mhz F] [--dir DIR]",
		summary: "run a CP/M .COM program on the emulated Z80 (Ctrl-] quits at a terminal)",
		run:     runRun})
}

// quitKey ends an interactive run: the terminal is in raw mode, so Ctrl-C
// goes to the CP/M program as CP/M expects.
const quitKey = 0x1D // Ctrl-]

func runRun(args []string) error {
	c := commands["run"]
	fs := newFlags(c)
	statsFile := fs.String("stats", "", "write T-state statistics as JSON to `FILE`")
	maxT := fs.Uint64("max-tstates", 0, "stop a program after `N` T-states (0 = no limit)")
	mhz := fs.Float64("mhz", 0, "run at the speed of a Z80 clocked at `F` MHz (0 = full speed)")
	dir := fs.String("dir", ".", "host `DIR`ectory that serves as drive A: for the disk calls")
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) < 1:
		return usagef("missing FILE.COM")
	case *mhz < 0 || math.IsNaN(*mhz) || math.IsInf(*mhz, 0):
		return usagef("--mhz %v: want a clock rate in MHz, or 0 for full speed", *mhz)
	}
	name := pos[0]
	program, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	cfg := cpm.Config{
		Program:    program,
		Tail:       strings.Join(pos[1:], " "),
		Output:     out,
		MaxTStates: *maxT,
		Dir:        *dir,
	}
	stdin := int(os.Stdin.Fd())
	interactive := term.IsTerminal(stdin)
	if !interactive {
		cfg.Input = os.Stdin
	}
	m, err := cpm.New(cfg)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	var keys <-chan []byte
	if interactive {
		if old, err := term.MakeRaw(stdin); err == nil {
			defer term.Restore(stdin, old)
		}
		keys = readKeys(os.Stdin)
	}
	runErr := drive(m, out, keys, *mhz*1e6)
	if err := out.Flush(); err != nil && runErr == nil {
		runErr = err
	}
	if *statsFile != "" {
		if err := writeRunStats(*statsFile, m); err != nil && runErr == nil {
			runErr = err
		}
	}
	if runErr != nil {
		return fmt.Errorf("%s: %w", name, runErr)
	}
	return nil
}

// drive runs m a slice of T-states at a time, feeding it keys (nil when
// console input comes from a pipe through cpm.Config.Input) and, if hz > 0,
// sleeping so that emulated time keeps pace with the wall clock.
func drive(m *cpm.Machine, out *bufio.Writer, keys <-chan []byte, hz float64) error {
	slice := uint64(1_000_000)
	if hz > 0 {
		slice = max(1, uint64(hz/100)) // 10 ms of Z80 time
	}
	clock := pacer{hz: hz}
	clock.reset(m.CPU.T)
	feed := func(b []byte) bool {
		if bytes.IndexByte(b, quitKey) >= 0 {
			out.Flush()
			fmt.Fprint(os.Stderr, "\r\n[z80lm run: stopped by Ctrl-]]\r\n")
			return false
		}
		m.Feed(b)
		return true
	}
	for {
		st, err := m.RunFor(slice)
		if err != nil {
			return err
		}
		switch st {
		case cpm.Exited:
			return nil
		case cpm.WaitingInput:
			if err := out.Flush(); err != nil {
				return err
			}
			b, ok := <-keys
			if !ok {
				m.EndInput()
				continue
			}
			if !feed(b) {
				return nil
			}
			clock.reset(m.CPU.T) // waiting for the user is not Z80 time
		case cpm.Running:
			select {
			case b, ok := <-keys:
				if ok && !feed(b) {
					return nil
				}
			default:
			}
			if out.Buffered() > 0 { // show progress a slice at a time
				if err := out.Flush(); err != nil {
					return err
				}
			}
			clock.wait(m.CPU.T)
		}
	}
}

// readKeys delivers whatever the terminal sends, as it arrives.
func readKeys(r io.Reader) <-chan []byte {
	ch := make(chan []byte)
	go func() {
		defer close(ch)
		for {
			buf := make([]byte, 64)
			n, err := r.Read(buf)
			if n > 0 {
				ch <- buf[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

// pacer sleeps so that T-states advance at hz per wall-clock second.
type pacer struct {
	hz    float64
	t0    uint64
	wall0 time.Time
}

func (p *pacer) reset(t uint64) { p.t0, p.wall0 = t, time.Now() }

func (p *pacer) wait(t uint64) {
	if p.hz <= 0 {
		return
	}
	due := p.wall0.Add(time.Duration(float64(t-p.t0) / p.hz * float64(time.Second)))
	switch d := time.Until(due); {
	case d > 0:
		time.Sleep(d)
	case d < -100*time.Millisecond:
		p.reset(t) // the host fell behind: do not race to catch up
	}
}

// runStats is the --stats JSON.
type runStats struct {
	TStates uint64      `json:"tstates"`
	Exit    string      `json:"exit"`
	Lines   []lineStats `json:"lines"`
}

type lineStats struct {
	Input   string `json:"input"`
	TStates uint64 `json:"tstates"` // from the line's submission to the next input request
	Chars   int    `json:"chars"`   // characters printed in that time
	Output  string `json:"output"`
}

func writeRunStats(path string, m *cpm.Machine) error {
	s := m.Stats()
	rs := runStats{TStates: s.TStates, Exit: m.ExitReason(), Lines: []lineStats{}}
	for _, l := range s.Lines {
		rs.Lines = append(rs.Lines, lineStats{l.Input, l.TStates, l.Chars, l.Output})
	}
	return writeOutput(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rs)
	})
}
