package cpm

import (
	"bytes"
	"strings"
	"testing"
)

// The test programs are assembled by hand; each helper emits one
// instruction and its comment gives the mnemonic and T-states (Zilog Z80
// CPU User Manual).
type prog []byte

func (p prog) ldC(n byte) prog       { return append(p, 0x0E, n) }                     // LD C,n      7
func (p prog) ldE(n byte) prog       { return append(p, 0x1E, n) }                     // LD E,n      7
func (p prog) ldDE(nn uint16) prog   { return append(p, 0x11, byte(nn), byte(nn>>8)) } // LD DE,nn   10
func (p prog) call(nn uint16) prog   { return append(p, 0xCD, byte(nn), byte(nn>>8)) } // CALL nn    17
func (p prog) jp(nn uint16) prog     { return append(p, 0xC3, byte(nn), byte(nn>>8)) } // JP nn      10
func (p prog) ldMemA(nn uint16) prog { return append(p, 0x32, byte(nn), byte(nn>>8)) } // LD (nn),A 13
func (p prog) ret() prog             { return append(p, 0xC9) }                        // RET        10

// bdos emits LD C,fn; LD DE,de; CALL 0005h.
func (p prog) bdos(fn byte, de uint16) prog { return p.ldC(fn).ldDE(de).call(0x0005) }

// at pads p with zeros so that the next byte lands at address a.
func (p prog) at(a uint16) prog {
	for TPA+len(p) < int(a) {
		p = append(p, 0)
	}
	return p
}

// run runs program p with console input in and returns the machine and
// what it printed.
func run(t *testing.T, p prog, cfg Config) (*Machine, string) {
	t.Helper()
	var out bytes.Buffer
	cfg.Program = p
	cfg.Output = &out
	if cfg.MaxTStates == 0 {
		cfg.MaxTStates = 10_000_000
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(); err != nil {
		t.Fatalf("Run: %v (output %q)", err, out.String())
	}
	return m, out.String()
}

func input(s string) *strings.Reader { return strings.NewReader(s) }
