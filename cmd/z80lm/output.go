package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"z80lm/internal/atomicfile"
)

// writeOutput writes a file through a temporary file in the same directory
// and renames it into place, so that a failure never leaves half a file.
// Path "-" writes to standard output; devices, pipes and symbolic links
// (/dev/stdout) are written directly, since renaming over them would
// replace them.
func writeOutput(path string, write func(io.Writer) error) error {
	if path == "-" {
		bw := bufio.NewWriter(os.Stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(f)
		err = write(bw)
		if err == nil {
			err = bw.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// writeFile is writeOutput for data already in memory.
func writeFile(path string, data []byte) error {
	return writeOutput(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
