package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// echo replies with the prepared query in brackets, so the test sees
// exactly what a replier receives.
func echo(q string) (string, error) { return "[" + q + "]", nil }

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
	err := chatLoop(strings.NewReader("a\nb\n"), &out, false, func(q string) (string, error) {
		if q == "B" {
			return "", boom
		}
		return q, nil
	})
	if !errors.Is(err, boom) || out.String() != "A\n" {
		t.Errorf("replier error: got %v and %q", err, out.String())
	}
}

// TestChatNative answers the first golden queries of ../shared/reference
// through the same path as "z80lm chat --native --model guess-model.npz".
func TestChatNative(t *testing.T) {
	ref := filepath.Join("..", "..", "..", "shared", "reference")
	exp, err := os.ReadFile(filepath.Join(ref, "guess-expected.txt"))
	if err != nil {
		t.Skipf("golden data absent (%v)", err)
	}
	reply, err := chatReplier(filepath.Join(ref, "guess-model.npz"), "", true)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(exp)), "\n")[:40]
	var in, want strings.Builder
	for _, l := range lines {
		q, r, _ := strings.Cut(l, "|")
		in.WriteString(q + "\n")
		want.WriteString(r + "\n")
	}
	var out bytes.Buffer
	if err := chatLoop(strings.NewReader(in.String()), &out, false, reply); err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		t.Errorf("replies differ:\n got %q\nwant %q", out.String(), want.String())
	}

	if _, err := chatReplier("", "", false); err == nil || !strings.Contains(err.Error(), "not yet available") {
		t.Errorf("emulated path: %v", err)
	}
}
