// Package examples holds the programs z80lm ships: CHAT.COM, the terse
// personality ZED, and GUESS.COM, a 20 Questions player that knows one
// secret object. Each is trained and compiled from the dataset beside it by
// this project's own tools; `go generate ./examples` rebuilds everything
// (data, models, .COM files, figures), byte for byte the same on every run.
package examples

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"z80lm/lm"
)

//go:generate go run ../cmd/z80lm data chat --out chat/chat.txt --seed 1
//go:generate go run ../cmd/z80lm train --data chat/chat.txt --out chat/chat.z80lm --seed 1 --val 0.1 --epochs 90
//go:generate go run ../cmd/z80lm build --model chat/chat.z80lm --out chat/CHAT.COM
//go:generate go run ../cmd/z80lm bench --model chat/chat.z80lm --queries chat/chat.txt --json chat/bench.json
//go:generate go run ../cmd/z80lm data guess --object penguin --out guess/guess-penguin.txt --heldout guess/guess-penguin-heldout.txt --seed 1
//go:generate go run ../cmd/z80lm train --data guess/guess-penguin.txt --out guess/guess.z80lm --seed 1 --hidden 128,96 --zeros 0.65
//go:generate go run ../cmd/z80lm build --model guess/guess.z80lm --out guess/GUESS.COM
//go:generate go run ../cmd/z80lm bench --model guess/guess.z80lm --queries guess/guess-penguin-heldout.txt --json guess/bench.json

var (
	//go:embed chat/CHAT.COM
	chatCOM []byte
	//go:embed chat/chat.z80lm
	chatModel []byte
	//go:embed chat/bench.json
	chatBench []byte

	//go:embed guess/GUESS.COM
	guessCOM []byte
	//go:embed guess/guess.z80lm
	guessModel []byte
	//go:embed guess/bench.json
	guessBench []byte
)

// A Program is one shipped .COM with the model it was compiled from.
type Program struct {
	Name   string // CP/M name without .COM: CHAT, GUESS
	Title  string // one line for menus and banners
	Secret string // the object GUESS.COM knows ("" for CHAT)
	COM    []byte
	model  []byte
	bench  []byte
}

// Chat is ZED, the personality chatbot.
func Chat() Program {
	return Program{Name: "CHAT", Title: "ZED, a grumpy Z80 desk computer", COM: chatCOM, model: chatModel, bench: chatBench}
}

// Guess is the 20 Questions player.
func Guess() Program {
	return Program{Name: "GUESS", Title: "20 Questions: ask yes/no questions, then name the object",
		Secret: "PENGUIN", COM: guessCOM, model: guessModel, bench: guessBench}
}

// Programs lists every shipped program.
func Programs() []Program { return []Program{Chat(), Guess()} }

// Model decodes the model the program was compiled from.
func (p Program) Model() (*lm.Model, error) {
	m, err := lm.Unmarshal(p.model)
	if err != nil {
		return nil, fmt.Errorf("embedded %s model: %v", p.Name, err)
	}
	return m, nil
}

// Figures are the speed figures measured by `z80lm bench` when the program
// was built.
type Figures struct {
	Bytes        int     `json:"bytes"`
	TPerChar     float64 `json:"tstates_per_char"`
	CharsPerSec  float64 `json:"chars_per_sec_4mhz"`
	ExactMatch   float64 `json:"exact_match"`
	MeasuredOver int     `json:"queries"`
}

// Figures returns the program's measured figures.
func (p Program) Figures() (Figures, error) {
	var f Figures
	if err := json.Unmarshal(p.bench, &f); err != nil {
		return f, fmt.Errorf("embedded %s figures: %v", p.Name, err)
	}
	return f, nil
}
