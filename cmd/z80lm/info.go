package main

import (
	"fmt"
	"os"
	"sort"

	"z80lm/lm"
)

func init() {
	register(&command{name: "info", args: "MODEL|FILE.npz",
		summary: "describe a model: layers, weight shares, charset, training figures", run: runInfo})
}

func runInfo(args []string) error {
	c := commands["info"]
	pos, err := parseFlags(c, newFlags(c), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one model file")
	}
	m, err := lm.Load(pos[0])
	if err != nil {
		return err
	}
	w := os.Stdout
	fmt.Fprintf(w, "%s: %d parameters, charset %q + EOS\n", pos[0], m.Params(), m.Charset[:len(m.Charset)-1])
	fmt.Fprintf(w, "layer     in   out  bits shift     -2     -1      0     +1\n")
	for k, l := range m.Layers {
		n := map[int8]int{}
		for _, v := range l.W {
			n[v]++
		}
		fmt.Fprintf(w, "%-5d %6d %5d %5d %5d", k+1, l.In, l.Out, l.Bits, l.Shift)
		for _, v := range []int8{-2, -1, 0, 1} {
			fmt.Fprintf(w, " %5.1f%%", 100*float64(n[v])/float64(len(l.W)))
		}
		fmt.Fprintln(w)
	}
	meta := m.Meta
	if meta.Source != "" {
		fmt.Fprintf(w, "source: %s", meta.Source)
		if meta.Epochs > 0 {
			fmt.Fprintf(w, ", epoch %d, seed %d", meta.Epochs, meta.Seed)
		}
		fmt.Fprintln(w)
	}
	keys := make([]string, 0, len(meta.Metrics))
	for k := range meta.Metrics {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%-12s %.2f%%\n", k, 100*meta.Metrics[k])
	}
	return nil
}
