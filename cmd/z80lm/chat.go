package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"z80lm/dataset"
	"z80lm/examples"
	"z80lm/lm"
)

func init() {
	register(&command{name: "chat", args: "[--model FILE | --com FILE.COM] [--native] [--mhz F]",
		summary: "chat with a model on the emulated Z80: one reply per input line, or a > prompt on a terminal", run: runChat})
}

// An answer is one reply, with how the Z80 produced it.
type answer struct {
	text    string
	tstates uint64   // Z80 T-states from the line's submission to the next prompt (0: native)
	at      []uint64 // the Z80 T-state of each character, counted from the submission (nil: native)
	hz      float64  // if > 0, show the characters at these T-states per second
	final   string   // if set, printed after the reply, and the conversation ends
}

// A replier answers one prepared query (see chatQuery). The Go reference
// inference and the emulated Z80 are both repliers, so they share the
// input handling of chatLoop.
type replier func(query string) (answer, error)

func runChat(args []string) error {
	c := commands["chat"]
	fs := newFlags(c)
	model := fs.String("model", "", "model `FILE`: a z80lm model file or an original model.npz (compiled and run on the Z80)")
	com := fs.String("com", "", "run this CP/M chat `FILE.COM` on the emulated Z80")
	native := fs.Bool("native", false, "answer with the Go reference inference instead of the emulated Z80")
	mhz := fs.Float64("mhz", 0, "show replies at the speed of a real Z80 clocked at `F` MHz (4 = authentic); 0 = at once")
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	if err := checkChatFlags(pos, *model, *com, *native, *mhz); err != nil {
		return err
	}
	reply, banner, err := openChat(*model, *com, *native, *mhz, examples.Chat())
	if err != nil {
		return err
	}
	interactive := isTerminal(os.Stdin)
	if interactive {
		fmt.Println(banner)
	}
	return chatLoop(os.Stdin, os.Stdout, interactive, reply)
}

func checkChatFlags(pos []string, model, com string, native bool, mhz float64) error {
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q (queries are read from standard input)", pos[0])
	case model != "" && com != "":
		return usagef("--model and --com exclude each other")
	case native && com != "":
		return usagef("--native answers with a model, not a .COM: use --model FILE --native")
	case mhz < 0:
		return usagef("--mhz must be positive")
	case native && mhz > 0:
		return usagef("--mhz paces the emulated Z80; --native has no clock")
	}
	return nil
}

// openChat picks the inference behind a conversation: the Go reference
// (--native), a given .COM, a model compiled on the fly, or the built-in
// program def. It returns the replier and a one-line banner saying what runs.
func openChat(model, com string, native bool, mhz float64, def examples.Program) (replier, string, error) {
	if native {
		name := model
		load := func() (*lm.Model, error) { return lm.Load(model) }
		if model == "" {
			name, load = "the built-in "+def.Name+" model", def.Model
		}
		m, err := load()
		if err != nil {
			return nil, "", err
		}
		r := lm.NewRunner(m)
		banner := fmt.Sprintf("%s: %d parameters, Go reference inference (no Z80). Type ! to quit.", name, m.Params())
		return func(q string) (answer, error) { return answer{text: r.Reply(q, nil)}, nil }, banner, nil
	}
	var name string
	var image []byte
	var banner string
	switch {
	case com != "":
		b, err := os.ReadFile(com)
		if err != nil {
			return nil, "", err
		}
		name, image = com, b
		banner = fmt.Sprintf("%s: %d bytes on the emulated Z80 (CP/M 2.2). Type ! to quit.", com, len(b))
	case model != "":
		_, p, err := buildModel(model, "auto")
		if err != nil {
			return nil, "", err
		}
		name, image = model, p.COM
		banner = fmt.Sprintf("%s compiled to a %d-byte .COM (kernels %s), on the emulated Z80. Type ! to quit.", model, len(p.COM), p.KernelSummary())
	default:
		name, image = def.Name+".COM", def.COM
		banner = fmt.Sprintf("%s.COM (%s): %d bytes on the emulated Z80", def.Name, def.Title, len(def.COM))
		if f, err := def.Figures(); err == nil {
			banner += fmt.Sprintf(", %.1f characters/s at 4 MHz", f.CharsPerSec)
		}
		banner += ". Type ! to quit."
	}
	z, err := newZ80Chat(name, image)
	if err != nil {
		return nil, "", err
	}
	return func(q string) (answer, error) {
		a, err := z.reply(q)
		a.hz = mhz * 1e6
		return a, err
	}, banner, nil
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
	defer bw.Flush()
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
			return nil
		}
		line = strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(line, "!") {
			return nil
		}
		start := time.Now()
		a, rerr := reply(chatQuery(line))
		if rerr != nil {
			return rerr
		}
		if err := show(bw, a, start); err != nil {
			return err
		}
		if a.final != "" {
			fmt.Fprintln(bw, a.final)
			return nil
		}
		if err == io.EOF {
			return nil
		}
	}
}

// show prints a reply line, each character when a Z80 at a.hz would
// print it after start, or all at once when a.hz is 0.
func show(w *bufio.Writer, a answer, start time.Time) error {
	for i := 0; i < len(a.text); i++ {
		if a.hz > 0 {
			if err := w.Flush(); err != nil {
				return err
			}
			time.Sleep(time.Until(start.Add(time.Duration(float64(a.at[i]) / a.hz * float64(time.Second)))))
		}
		w.WriteByte(a.text[i])
	}
	w.WriteByte('\n')
	return w.Flush()
}

// isTerminal reports whether f is a character device (a terminal) rather
// than a pipe or a file.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
