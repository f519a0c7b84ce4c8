//go:build js && wasm

// Command wasm is z80lm's CP/M machine for the browser. It registers one
// global object, z80lm, and the page's script drives the machine from the
// JavaScript event loop, a slice of T-states at a time:
//
//	z80lm.load(com: Uint8Array, tail: string) -> "" or an error message
//	z80lm.run(tstates: number) -> {state, t, out, times, reason, error}
//	    state: "running", "input" (waiting for console input), "exited"
//	           (then reason says how) or "error" (then error says why)
//	    t:     T-states since the program started
//	    out:   console output since the last call, one UTF-16 unit per byte
//	    times: T-state time of each output byte
//	z80lm.feed(text: string)    queue console input (code points above
//	                            255 become '?')
//
// Build it with `go generate ./web`, which embeds it in the z80lm binary.
package main

import (
	"fmt"
	"syscall/js"

	"z80lm/cpm"
)

// machine is the loaded program; nil before the first load.
var machine *cpm.Machine

// Output collected by the machine's callback between two run calls.
var (
	out   []rune
	times []any
)

func load(_ js.Value, args []js.Value) (result any) {
	defer catch(&result)
	if len(args) < 1 || args[0].Type() != js.TypeObject {
		return "load: want the .COM bytes as a Uint8Array"
	}
	com := make([]byte, args[0].Get("length").Int())
	js.CopyBytesToGo(com, args[0])
	tail := ""
	if len(args) > 1 && args[1].Type() == js.TypeString {
		tail = args[1].String()
	}
	m, err := cpm.New(cpm.Config{
		Program: com,
		Tail:    tail,
		OnOutput: func(b byte, t uint64) {
			out = append(out, rune(b))
			times = append(times, float64(t))
		},
	})
	if err != nil {
		return err.Error()
	}
	machine, out, times = m, out[:0], times[:0]
	return ""
}

func run(_ js.Value, args []js.Value) (result any) {
	defer catch(&result)
	if machine == nil {
		return map[string]any{"state": "error", "error": "no program loaded"}
	}
	n := uint64(1)
	if len(args) > 0 && args[0].Type() == js.TypeNumber && args[0].Float() >= 1 {
		n = uint64(args[0].Float())
	}
	st, err := machine.RunFor(n)
	r := map[string]any{
		"t":     float64(machine.CPU.T),
		"out":   string(out),
		"times": times,
	}
	out, times = out[:0], nil
	switch {
	case err != nil:
		r["state"], r["error"] = "error", err.Error()
	case st == cpm.WaitingInput:
		r["state"] = "input"
	case st == cpm.Exited:
		r["state"], r["reason"] = "exited", machine.ExitReason()
	default:
		r["state"] = "running"
	}
	return r
}

func feed(_ js.Value, args []js.Value) (result any) {
	defer catch(&result)
	if machine == nil || len(args) < 1 || args[0].Type() != js.TypeString {
		return nil
	}
	var b []byte
	for _, r := range args[0].String() {
		if r > 255 {
			r = '?'
		}
		b = append(b, byte(r))
	}
	machine.Feed(b)
	return nil
}

// catch turns a panic into an error result, so that one bad program
// cannot end the Go runtime under the page.
func catch(result *any) {
	if p := recover(); p != nil {
		machine = nil
		*result = map[string]any{"state": "error", "error": fmt.Sprint("internal error: ", p)}
	}
}

func main() {
	js.Global().Set("z80lm", js.ValueOf(map[string]any{
		"load": js.FuncOf(load),
		"run":  js.FuncOf(run),
		"feed": js.FuncOf(feed),
	}))
	select {}
}
