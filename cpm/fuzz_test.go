package cpm

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzMachine: any program image and any console input never panic the
// host, and the T-state limit always stops the run. An image larger than
// the TPA is used as the whole 64 KiB memory, page zero and the BDOS and
// BIOS areas included. Disk calls work on a fresh temporary directory.
func FuzzMachine(f *testing.F) {
	f.Add([]byte(statsProg()), []byte("hello\nworld\n"))
	f.Add([]byte(readLineProg("> ", 5)), []byte("ab\x7f\b\x15c\x12\x05\x18\x01\tlong line\n"))
	f.Add([]byte{0x18, 0xFE}, []byte{})                   // JR $
	f.Add([]byte{0xFB, 0x76}, []byte{})                   // EI; HALT
	f.Add([]byte{0x0E, 0x09, 0xCD, 0x05, 0x00}, []byte{}) // BDOS 9 from DE=0000h
	disk := diskProg([]step{{fn: 22, de: 0xFFF0}, {fn: 21, de: 0xFFF0}, {fn: 17, de: 0xFFF0}, {fn: 15, de: 0x0300}},
		map[uint16][]byte{0x0300: fcbBytes(0, "????????   ")})
	f.Add([]byte(disk), []byte{})
	f.Add(bytes.Repeat([]byte{0xCD, 0x05, 0x00}, 0x5600), []byte("x\n")) // a whole-memory image
	f.Fuzz(func(t *testing.T, image, in []byte) {
		const limit = 50_000
		cfg := Config{
			Input:      bytes.NewReader(in),
			Output:     io.Discard,
			Stderr:     io.Discard,
			MaxTStates: limit,
			Dir:        t.TempDir(),
		}
		if len(image) <= MaxProgram {
			cfg.Program = image
		}
		m, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(image) > MaxProgram {
			copy(m.CPU.Mem[:], image)
		}
		err = m.Run()
		if err != nil && !errors.Is(err, ErrTStateLimit) && !errors.Is(err, ErrHalted) && !errors.Is(err, ErrUnterminated) {
			t.Fatalf("Run: %v", err)
		}
		if m.State() != Exited {
			t.Fatalf("Run returned in state %v", m.State())
		}
		if m.CPU.T >= limit+23 { // 23 T: the longest instruction
			t.Fatalf("ran to %d T-states past the limit of %d", m.CPU.T, limit)
		}
	})
}

// FuzzCommandTail: any tail gives a machine or a clear error, and FCB
// parsing never runs outside its 16 bytes.
func FuzzCommandTail(f *testing.F) {
	for _, s := range []string{"", "foo.txt b:bar.dat", "*.*", "a:", ":", "a=b.c;d", "x\x00y", "\xff\xfe.\x01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tail string) {
		m, err := New(Config{Tail: tail})
		if err != nil {
			if len(tail) <= maxTail {
				t.Fatalf("tail %q: %v", tail, err)
			}
			return
		}
		mem := m.CPU.Mem[:]
		want := 0
		if tail != "" {
			want = 1 + len(tail)
		}
		if int(mem[0x80]) != want || mem[0x81+want] != 0 {
			t.Fatalf("tail %q: buffer % X", tail, mem[0x80:0x100])
		}
		for _, f := range [][]byte{mem[0x5C:0x6C], mem[0x6C:0x7C]} {
			if f[12] != 0 || f[13] != 0 || f[14] != 0 || f[15] != 0 {
				t.Fatalf("tail %q: FCB % X", tail, f)
			}
		}
	})
}
