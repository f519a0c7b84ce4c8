package main

import (
	"fmt"
	"strings"

	"z80lm/cpm"
)

// maxReplyTStates stops a chat program that does not come back for input:
// about 40 minutes of a 4 MHz Z80, far beyond the slowest 50-character reply
// of the compact kernels.
const maxReplyTStates = 10_000_000_000

// z80Chat answers queries with a chat .COM running on the emulated CP/M
// machine: each query is typed at the program's prompt, and the reply is
// what the program prints before it asks for the next line.
type z80Chat struct {
	m     *cpm.Machine
	name  string
	times []uint64 // T-state time of every console byte since the last feed
}

func newZ80Chat(name string, com []byte) (*z80Chat, error) {
	z := &z80Chat{name: name}
	m, err := cpm.New(cpm.Config{Program: com, OnOutput: func(_ byte, t uint64) { z.times = append(z.times, t) }})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	z.m = m
	if err := z.runToInput(); err != nil {
		return nil, err
	}
	return z, nil
}

// runToInput runs until the program asks for the next line.
func (z *z80Chat) runToInput() error {
	limit := z.m.CPU.T + maxReplyTStates
	for z.m.CPU.T < limit {
		st, err := z.m.RunFor(50_000_000)
		if err != nil {
			return fmt.Errorf("%s: %v", z.name, err)
		}
		switch st {
		case cpm.WaitingInput:
			return nil
		case cpm.Exited:
			return fmt.Errorf("%s ended (%s) instead of asking for input", z.name, z.m.ExitReason())
		}
	}
	return fmt.Errorf("%s: no reply after %d T-states; stopped", z.name, uint64(maxReplyTStates))
}

// reply types q at the prompt and returns what the program printed before
// its next prompt, with the T-state time of each character from the line's
// submission.
func (z *z80Chat) reply(q string) (answer, error) {
	z.times = z.times[:0]
	n := len(z.m.Stats().Lines)
	z.m.Feed([]byte(q + "\r"))
	if err := z.runToInput(); err != nil {
		return answer{}, err
	}
	lines := z.m.Stats().Lines
	if len(lines) != n+1 {
		return answer{}, fmt.Errorf("%s did not read the line with BDOS 10", z.name)
	}
	// The program prints CR LF, the reply, CR LF and the next prompt.
	out := lines[n].Output
	text := strings.TrimSuffix(out, "> ")
	text = strings.TrimRight(text, "\r\n")
	start := len(text) - len(strings.TrimLeft(text, "\r\n"))
	text = text[start:]
	a := answer{text: text, tstates: lines[n].TStates}
	// The line's output is the last len(out) bytes written; the rest is
	// the echo of the typed line.
	times := z.times[len(z.times)-len(out)+start:]
	t0 := z.m.Stats().TStates - lines[n].TStates
	for i := range text {
		a.at = append(a.at, times[i]-t0)
	}
	return a, nil
}
