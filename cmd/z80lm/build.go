package main

import (
	"fmt"
	"os"

	"z80lm/codegen"
	"z80lm/lm"
)

func init() {
	register(&command{name: "build",
		args:    "--model MODEL|FILE.npz --out FILE.COM [--asm FILE.ASM] [--lst FILE.LST] [--kernel compact|fast|auto]",
		summary: "compile a model into a CP/M 2.2 .COM program", run: runBuild})
}

func runBuild(args []string) error {
	c := commands["build"]
	fs := newFlags(c)
	model := fs.String("model", "", "model `FILE`: a z80lm model file or an original model.npz")
	out := fs.String("out", "", "write the program to `FILE.COM`")
	asmOut := fs.String("asm", "", "also write the assembly source to `FILE.ASM`")
	lst := fs.String("lst", "", "also write the assembler listing to `FILE.LST`")
	kernel := fs.String("kernel", "auto", "layer kernels: compact (small), fast, or auto (the fastest that fits)")
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q", pos[0])
	case *model == "":
		return usagef("missing --model FILE")
	case *out == "":
		return usagef("missing --out FILE.COM")
	}
	_, p, err := buildModel(*model, *kernel)
	if err != nil {
		return err
	}
	outputs := []struct {
		path string
		data func() []byte
	}{
		{*asmOut, func() []byte { return p.Source }},
		{*lst, p.Listing},
		{*out, func() []byte { return p.COM }},
	}
	for _, o := range outputs {
		if o.path == "" {
			continue
		}
		if err := writeFile(o.path, o.data()); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "%s: %d bytes, kernels %s; code, tables and stack end at %04Xh (the TPA ends at %04Xh)\n",
		*out, len(p.COM), p.KernelSummary(), p.End-1, codegen.TPAEnd-1)
	if p.AutoNote != "" {
		fmt.Fprintf(os.Stderr, "%s: %s\n", *out, p.AutoNote)
	}
	return nil
}

// buildModel loads and compiles a model with the kernels named by kernel
// (compact, fast or auto), naming the file in errors.
func buildModel(path, kernel string) (*lm.Model, *codegen.Program, error) {
	k, err := codegen.ParseKernel(kernel)
	if err != nil {
		return nil, nil, usagef("--kernel: %v", err)
	}
	m, err := lm.Load(path)
	if err != nil {
		return nil, nil, err
	}
	p, err := codegen.Build(m, codegen.Options{Kernel: k})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	return m, p, nil
}
