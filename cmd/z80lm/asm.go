package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"z80lm/asm"
)

func init() {
	register(&command{name: "asm", args: "FILE.ASM --out FILE.BIN [--org N] [--lst FILE.LST] [--sym FILE.SYM]",
		summary: "assemble Z80 source into a binary", run: runAsm})
}

func runAsm(args []string) error {
	c := commands["asm"]
	fs := newFlags(c)
	out := fs.String("out", "", "write the binary to `FILE.BIN`")
	org := fs.String("org", "0", "initial origin `N` (decimal, 0x.., $.. or ..h; ORG in the source overrides it)")
	lst := fs.String("lst", "", "write a listing to `FILE.LST`")
	sym := fs.String("sym", "", "write the symbols, sorted by address, to `FILE.SYM`")
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) < 1:
		return usagef("missing FILE.ASM")
	case len(pos) > 1:
		return usagef("one source file expected, got %d", len(pos))
	case *out == "":
		return usagef("missing --out FILE.BIN")
	}
	o, err := parseAsmOrg(*org)
	if err != nil {
		return usagef("--org: %v", err)
	}
	src, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	prog, err := asm.Assemble(pos[0], src, asm.Options{Org: o})
	if err != nil {
		// One error per line, as compilers print them, then the summary.
		var list asm.ErrorList
		if errors.As(err, &list) {
			fmt.Fprintln(os.Stderr, err)
			return fmt.Errorf("%d error(s) in %s, nothing written", len(list), pos[0])
		}
		return err
	}
	if err := writeFile(*out, prog.Bytes); err != nil {
		return err
	}
	if *lst != "" {
		if err := writeFile(*lst, prog.Listing()); err != nil {
			return err
		}
	}
	if *sym != "" {
		if err := writeFile(*sym, prog.SymbolFile()); err != nil {
			return err
		}
	}
	return nil
}

// parseAsmOrg reads an address as decimal, 0x1F, $1F or 1Fh.
func parseAsmOrg(arg string) (uint16, error) {
	s, base := arg, 10
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		s, base = s[2:], 16
	case len(s) > 1 && s[0] == '$':
		s, base = s[1:], 16
	case len(s) > 1 && (s[len(s)-1] == 'h' || s[len(s)-1] == 'H'):
		s, base = s[:len(s)-1], 16
	}
	v, err := strconv.ParseUint(s, base, 16)
	if err != nil {
		return 0, fmt.Errorf("%q is not an address 0..65535", arg)
	}
	return uint16(v), nil
}
