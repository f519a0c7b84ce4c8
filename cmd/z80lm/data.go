package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"z80lm/dataset"
	"z80lm/dataset/chat"
	"z80lm/dataset/guess"
)

func init() {
	register(&command{name: "data", args: "chat|guess|stats|balance [ARGS]",
		summary: "generate, describe and balance input|response data sets", run: runData})
}

// dataCommands are the subcommands of "z80lm data".
var dataCommands = map[string]*command{}

func init() {
	for _, c := range []*command{
		{name: "chat", args: "--out FILE [--seed N]",
			summary: "write the personality chat set (ZED, a grumpy Z80 computer)", run: runDataChat},
		{name: "guess", args: "--object NAME --out FILE [--heldout FILE] [--seed N] | --list",
			summary: "write a 20 Questions training set for one secret object", run: runDataGuess},
		{name: "stats", args: "FILE|- [--top N]",
			summary: "describe a data set: replies, charset, lengths, dominance", run: runDataStats},
		{name: "balance", args: "FILE|- --out FILE [--per-reply N] [--seed N] [--vary]",
			summary: "over- and undersample to the same number of pairs per reply", run: runDataBalance},
	} {
		dataCommands[c.name] = c
	}
}

func runData(args []string) error {
	if len(args) == 0 {
		return usagef("missing subcommand (%s)", dataNames())
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		fmt.Println("usage: z80lm data SUBCOMMAND [ARGS]\n\nsubcommands:")
		names := strings.Split(dataNames(), "|")
		for _, n := range names {
			c := dataCommands[n]
			fmt.Printf("  %-8s %s\n           z80lm data %s %s\n", n, c.summary, n, c.args)
		}
		return nil
	}
	c, ok := dataCommands[args[0]]
	if !ok {
		return usagef("unknown subcommand %q (%s)", args[0], dataNames())
	}
	return c.run(args[1:])
}

func dataNames() string {
	names := make([]string, 0, len(dataCommands))
	for n := range dataCommands {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, "|")
}

// dataFlags is newFlags for a data subcommand: help shows "z80lm data NAME".
func dataFlags(c *command) *command {
	return &command{name: "data " + c.name, args: c.args, summary: c.summary}
}

func runDataChat(args []string) error {
	c := dataFlags(dataCommands["chat"])
	fs := newFlags(c)
	out := fs.String("out", "", "write the set to `FILE` (- for standard output)")
	seed := fs.Uint64("seed", chat.DefaultOptions().Seed, "random `N` for phrasing choice and variants")
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *out == "" {
		return usagef("missing --out FILE")
	}
	opt := chat.DefaultOptions()
	opt.Seed = *seed
	return writeOutput(*out, func(w io.Writer) error { return chat.Write(w, opt) })
}

func runDataGuess(args []string) error {
	c := dataFlags(dataCommands["guess"])
	fs := newFlags(c)
	object := fs.String("object", "", "the secret object `NAME` (see --list)")
	out := fs.String("out", "", "write the training set to `FILE` (- for standard output)")
	heldout := fs.String("heldout", "", "also write held-out questions, none of them in the training set, to `FILE`")
	seed := fs.Uint64("seed", guess.DefaultOptions().Seed, "random `N` for the split and the variants")
	list := fs.Bool("list", false, "list the objects and attributes of the knowledge base")
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *list {
		for _, o := range guess.Objects {
			fmt.Printf("%-12s %s\n", strings.ToLower(o.Name), strings.ToLower(strings.Join(o.Synonyms, ", ")))
		}
		fmt.Printf("%d objects, %d attributes\n", len(guess.Objects), len(guess.Attributes))
		return nil
	}
	if *object == "" || *out == "" {
		return usagef("need --object NAME and --out FILE (or --list)")
	}
	o, err := guess.Find(*object)
	if err != nil {
		return err
	}
	opt := guess.DefaultOptions()
	opt.Seed = *seed
	sets, err := guess.Generate(o, opt)
	if err != nil {
		return err
	}
	if err := writeOutput(*out, func(w io.Writer) error { return sets.WriteTrain(w, opt) }); err != nil {
		return err
	}
	if *heldout != "" {
		return writeOutput(*heldout, func(w io.Writer) error { return sets.WriteHeldOut(w, opt) })
	}
	return nil
}

func runDataStats(args []string) error {
	c := dataFlags(dataCommands["stats"])
	fs := newFlags(c)
	top := fs.Int("top", 0, "show only the `N` most frequent replies (0: all)")
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("need exactly one FILE")
	}
	s, err := dataset.Load(pos[0])
	if err != nil {
		return err
	}
	return dataset.ComputeStats(s).Write(os.Stdout, *top)
}

func runDataBalance(args []string) error {
	c := dataFlags(dataCommands["balance"])
	fs := newFlags(c)
	out := fs.String("out", "", "write the balanced set to `FILE` (- for standard output)")
	per := fs.Int("per-reply", 0, "pairs per reply, `N` (0: the median count of the replies)")
	seed := fs.Uint64("seed", 1, "random `N` for the choice of kept and copied pairs")
	vary := fs.Bool("vary", false, "make added copies typo/word-order variants instead of exact repeats")
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("need exactly one FILE")
	}
	if *out == "" {
		return usagef("missing --out FILE")
	}
	if *per < 0 {
		return usagef("--per-reply must not be negative")
	}
	s, err := dataset.Load(pos[0])
	if err != nil {
		return err
	}
	pairs := dataset.Balance(s.Pairs, dataset.BalanceOptions{PerReply: *per, Seed: *seed, Vary: *vary})
	if err := writeOutput(*out, func(w io.Writer) error { return dataset.WritePairs(w, pairs) }); err != nil {
		return err
	}
	n := countReplies(pairs)
	fmt.Fprintf(os.Stderr, "%s: %d pairs in; %d out: %d replies x %d\n", s.Name, len(s.Pairs), len(pairs), n, len(pairs)/max(1, n))
	return nil
}

func countReplies(pairs []dataset.Pair) int {
	seen := map[string]bool{}
	for _, p := range pairs {
		seen[p.Response] = true
	}
	return len(seen)
}
