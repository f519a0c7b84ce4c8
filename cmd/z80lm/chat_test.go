package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"z80lm/examples"
	"z80lm/internal/reftest"
)

// echo replies with the prepared query in brackets, so the test sees
// exactly what a replier receives.
func echo(q string) (answer, error) { return answer{text: "[" + q + "]"}, nil }

func TestChatLoop(t *testing.T) {
	long := strings.Repeat("abcdefghij", 7) // 70 characters
	tests := []struct {
		name        string
		in          string
		interactive bool
		want        string
	}{
		{"one reply per line", "hello\n  how are you?  \r\n\nlast", false,
			"[HELLO]\n[HOW ARE YOU?]\n[]\n[LAST]\n"},
		{"cut to 60", long + "\n", false, "[" + strings.ToUpper(long[:60]) + "]\n"},
		{"! ends the chat", "hi\n!quit\nnever\n", false, "[HI]\n"},
		{"! only at the start", "a!b\n", false, "[A!B]\n"},
		{"prompts", "hi\nyo\n", true, "> [HI]\n> [YO]\n> \n"},
		{"empty input", "", false, ""},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if err := chatLoop(strings.NewReader(tt.in), &out, tt.interactive, echo); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if out.String() != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, out.String(), tt.want)
		}
	}

	boom := errors.New("boom")
	var out bytes.Buffer
	err := chatLoop(strings.NewReader("a\nb\n"), &out, false, func(q string) (answer, error) {
		if q == "B" {
			return answer{}, boom
		}
		return answer{text: q}, nil
	})
	if !errors.Is(err, boom) || out.String() != "A\n" {
		t.Errorf("replier error: got %v and %q", err, out.String())
	}
}

// TestChatNativeAndZ80 answers golden queries of ../shared/reference
// through the paths of "z80lm chat --native --model guess-model.npz" and
// "z80lm chat --model guess-model.npz" (compiled and run on the emulated Z80).
func TestChatNativeAndZ80(t *testing.T) {
	var in, want strings.Builder
	for _, g := range reftest.Golden(t, "guess")[:40] {
		in.WriteString(g.Query + "\n")
		want.WriteString(g.Reply + "\n")
	}
	for _, native := range []bool{true, false} {
		reply, _, err := openChat(reftest.Model(t, "guess"), "", native, 0, examples.Guess())
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := chatLoop(strings.NewReader(in.String()), &out, false, reply); err != nil {
			t.Fatal(err)
		}
		if out.String() != want.String() {
			t.Errorf("native=%v: replies differ:\n got %q\nwant %q", native, out.String(), want.String())
		}
	}
}

// TestBuiltinProgramsAgree checks that the shipped CHAT.COM and GUESS.COM
// answer exactly as the Go reference inference of the models they were
// compiled from.
func TestBuiltinProgramsAgree(t *testing.T) {
	queries := []string{"HELLO", "WHO ARE YOU", "IS IT ALIVE", "CAN IT FLY", "XYZZY", "IS IT A PENGUIN", "WHAT IS YOUR NAME"}
	for _, p := range examples.Programs() {
		z80, _, err := openChat("", "", false, 4, p)
		if err != nil {
			t.Fatal(err)
		}
		native, _, err := openChat("", "", true, 0, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range queries {
			a, err := z80(q)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := native(q)
			if a.text != b.text {
				t.Errorf("%s %q: Z80 %q, reference %q", p.Name, q, a.text, b.text)
			}
			if len(a.at) != len(a.text) || (len(a.at) > 0 && a.at[0] == 0) || a.tstates == 0 {
				t.Errorf("%s %q: no Z80 timing: %d T-states, times %v", p.Name, q, a.tstates, a.at)
			}
			for i := 1; i < len(a.at); i++ {
				if a.at[i] <= a.at[i-1] {
					t.Errorf("%s %q: character times not increasing: %v", p.Name, q, a.at)
				}
			}
		}
	}
}
