package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"z80lm/cpm"
	"z80lm/examples"
	"z80lm/web"
)

func init() {
	register(&command{name: "web", args: "--out DIR [--com FILE.COM]...",
		summary: "write the browser version as static files for any web host", run: runWeb})
}

func runWeb(args []string) error {
	c := commands["web"]
	fs := newFlags(c)
	out := fs.String("out", "", "write the site into `DIR` (must not exist or be empty)")
	coms := comFlag(fs)
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *out == "" {
		return usagef("missing --out DIR")
	}
	site, err := newSite(*coms)
	if err != nil {
		return err
	}
	if err := site.WriteDir(*out); err != nil {
		return err
	}
	raw, gz := site.Sizes()
	fmt.Fprintf(os.Stderr, "wrote %s: %d files, page %.1f MB (%.1f MB gzip); serve z80lm.wasm as application/wasm\n",
		*out, len(site.Names()), float64(raw)/1e6, float64(gz)/1e6)
	return nil
}

// comFlag adds the repeatable --com flag: extra .COM programs for the page,
// named after their files; one named like a built-in program replaces it.
func comFlag(fs interface {
	Func(name, usage string, fn func(string) error)
}) *[]string {
	var files []string
	fs.Func("com", "also offer `FILE.COM` on the page (repeatable; CHAT.COM replaces the built-in CHAT)", func(s string) error {
		files = append(files, s)
		return nil
	})
	return &files
}

// newSite builds the site from the built-in programs and the --com files.
func newSite(files []string) (*web.Site, error) {
	progs := builtinPrograms()
	for _, f := range files {
		base := filepath.Base(f)
		if !strings.EqualFold(filepath.Ext(base), ".COM") {
			return nil, fmt.Errorf("%s: not a .COM file", f)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if len(b) > cpm.MaxProgram {
			return nil, fmt.Errorf("%s: %d bytes; a CP/M program must be at most %d bytes", f, len(b), cpm.MaxProgram)
		}
		name := strings.ToUpper(strings.TrimSuffix(base, filepath.Ext(base)))
		p := web.Program{Name: name, Title: base, COM: b}
		replaced := false
		for i := range progs {
			if progs[i].Name == name {
				progs[i], replaced = p, true
			}
		}
		if !replaced {
			progs = append(progs, p)
		}
	}
	site, err := web.NewSite(progs)
	if err != nil {
		return nil, fmt.Errorf("%v", strings.TrimPrefix(err.Error(), "web: "))
	}
	return site, nil
}

// builtinPrograms are the programs the page offers without --com: the
// shipped CHAT and GUESS.
func builtinPrograms() []web.Program {
	var progs []web.Program
	for _, p := range examples.Programs() {
		progs = append(progs, web.Program{Name: p.Name, Title: p.Title, COM: p.COM})
	}
	return progs
}
