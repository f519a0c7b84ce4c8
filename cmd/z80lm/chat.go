package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"z80lm/dataset"
	"z80lm/lm"
)

func init() {
	register(&command{name: "chat", args: "[--model FILE | --com FILE.COM] [--native]",
		summary: "chat with a model: one reply per input line, or a > prompt on a terminal", run: runChat})
}

// A replier answers one prepared query (see chatQuery). Both the Go
// reference inference and the emulated Z80 are repliers, so they share
// the input handling of chatLoop.
type replier func(query string) (string, error)

func runChat(args []string) error {
	c := commands["chat"]
	fs := newFlags(c)
	model := fs.String("model", "", "model `FILE`: a z80lm model file or an original model.npz")
	com := fs.String("com", "", "run this CP/M `FILE.COM` on the emulated Z80")
	native := fs.Bool("native", false, "answer with the Go reference inference instead of the emulated Z80")
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q (queries are read from standard input)", pos[0])
	case *model != "" && *com != "":
		return usagef("--model and --com exclude each other")
	case *native && *com != "":
		return usagef("--native answers with a model, not a .COM: use --model FILE --native")
	}
	reply, err := chatReplier(*model, *com, *native)
	if err != nil {
		return err
	}
	return chatLoop(os.Stdin, os.Stdout, isTerminal(os.Stdin), reply)
}

// chatReplier picks the inference behind the chat.
func chatReplier(model, com string, native bool) (replier, error) {
	if !native {
		return nil, errors.New("chat on the emulated Z80 is not yet available; use --native --model FILE")
	}
	if model == "" {
		return nil, errors.New("there is no embedded model yet; use --native --model FILE")
	}
	m, err := lm.Load(model)
	if err != nil {
		return nil, err
	}
	r := lm.NewRunner(m)
	return func(q string) (string, error) { return r.Reply(q, nil), nil }, nil
}

// chatQuery prepares a typed line as the data loader prepares inputs —
// trimmed and upper-cased — and cuts it to lm.MaxQuery characters, as the
// Z80 program's input buffer does.
func chatQuery(line string) string {
	q := dataset.Normalize(line)
	if len(q) > lm.MaxQuery {
		q = q[:lm.MaxQuery]
	}
	return q
}

// chatLoop answers every input line with one reply line. Interactive mode
// prints a "> " prompt before each line. A line starting with '!' ends the
// chat, as in the Z80 program.
func chatLoop(in io.Reader, out io.Writer, interactive bool, reply replier) error {
	br := bufio.NewReader(in)
	bw := bufio.NewWriter(out)
	for {
		if interactive {
			bw.WriteString("> ")
			if err := bw.Flush(); err != nil {
				return err
			}
		}
		line, err := br.ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		if line == "" && err == io.EOF {
			if interactive {
				bw.WriteString("\n")
			}
			return bw.Flush()
		}
		line = strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(line, "!") {
			return bw.Flush()
		}
		r, rerr := reply(chatQuery(line))
		if rerr != nil {
			bw.Flush()
			return rerr
		}
		fmt.Fprintln(bw, r)
		if ferr := bw.Flush(); ferr != nil {
			return ferr
		}
		if err == io.EOF {
			return nil
		}
	}
}

// isTerminal reports whether f is a character device (a terminal) rather
// than a pipe or a file.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
