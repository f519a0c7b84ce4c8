package main

import (
	"fmt"
	"os"

	"z80lm/examples"
)

func init() {
	register(&command{name: "guess", args: "[--native] [--mhz F]",
		summary: "play 20 Questions with the built-in GUESS.COM on the emulated Z80", run: runGuess})
}

func runGuess(args []string) error {
	c := commands["guess"]
	fs := newFlags(c)
	native := fs.Bool("native", false, "answer with the Go reference inference instead of the emulated Z80")
	mhz := fs.Float64("mhz", 0, "show replies at the speed of a real Z80 clocked at `F` MHz (4 = authentic); 0 = at once")
	pos, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	if err := checkChatFlags(pos, "", "", *native, *mhz); err != nil {
		return err
	}
	prog := examples.Guess()
	reply, banner, err := openChat("", "", *native, *mhz, prog)
	if err != nil {
		return err
	}
	won := false
	play := func(q string) (answer, error) {
		a, err := reply(q)
		if err == nil && a.text == "WIN" {
			won = true
			a.final = fmt.Sprintf("You got it: the secret object was %s.", prog.Secret)
		}
		return a, err
	}
	interactive := isTerminal(os.Stdin)
	if interactive {
		fmt.Println(banner)
		fmt.Println("I am thinking of an object. Ask yes/no questions (IS IT ALIVE?), then name it.")
	}
	if err := chatLoop(os.Stdin, os.Stdout, interactive, play); err != nil {
		return err
	}
	if !won {
		fmt.Printf("The secret object was %s.\n", prog.Secret)
	}
	return nil
}
