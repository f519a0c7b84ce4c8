// Command z80lm trains character-level language models with 2-bit weights
// and compiles them into CP/M .COM programs for the Z80.
//
// Each subcommand lives in its own file and registers itself in init, so
// that the packages behind them can grow independently.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// A command is one z80lm subcommand.
type command struct {
	name    string
	args    string // synopsis after the name, e.g. "FILE.COM [ARG...] [--stats FILE.json]"
	summary string // one line for the command list
	// run parses its own flags with newFlags and returns a usageError for
	// bad invocations (exit 2) or any other error for failures (exit 1).
	run func(args []string) error
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("z80lm: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// usageError marks a mistake in the command line itself (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// newFlags returns a flag set for a subcommand whose -h/--help prints the
// synopsis and the flags.
func newFlags(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args with flags allowed anywhere (before, between and
// after positional arguments; "--" ends flags) and returns the positional
// arguments. -h and --help print the subcommand's help and return flag.ErrHelp.
func parseFlags(c *command, fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printHelp(os.Stdout, c, fs)
				return nil, flag.ErrHelp
			}
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func printHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: z80lm %s %s\n\n%s\n", c.name, c.args, c.summary)
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	if b.Len() > 0 {
		fmt.Fprintf(w, "\nflags:\n%s", b.String())
	}
}

func mainUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: z80lm COMMAND [ARGS]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'z80lm COMMAND --help' for a command's flags.")
}

func main() {
	os.Exit(runMain(os.Args[1:]))
}

func runMain(args []string) int {
	if len(args) == 0 {
		mainUsage(os.Stderr)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		mainUsage(os.Stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "z80lm: unknown command %q\n", args[0])
		mainUsage(os.Stderr)
		return 2
	}
	err := c.run(args[1:])
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(os.Stderr, "z80lm %s: %v\nusage: z80lm %s %s\nRun 'z80lm %s --help' for details.\n", c.name, err, c.name, c.args, c.name)
		return 2
	default:
		fmt.Fprintf(os.Stderr, "z80lm %s: %v\n", c.name, err)
		return 1
	}
}
