// Package reftest gives tests the module root, and the reference models
// and golden replies of ../shared/reference (beside the repository, never
// inside it). Tests that need those are skipped, with a message, where the
// folder is absent.
package reftest

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ModuleRoot returns the directory of go.mod above the test's directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root (go.mod) not found above the test's directory")
		}
		dir = parent
	}
}

// Dir returns ../shared/reference relative to the module root, or skips
// the test when it is absent.
func Dir(t testing.TB) string {
	t.Helper()
	ref := filepath.Join(ModuleRoot(t), "..", "shared", "reference")
	if _, err := os.Stat(ref); err != nil {
		t.Skipf("golden data absent: %s not found (the reference models and replies live outside the repository)", ref)
	}
	return ref
}

// A Case is one golden query, as typed, and the reply the v1 semantics give.
type Case struct{ Query, Reply string }

// Golden reads NAME-expected.txt ("tinychat" or "guess").
func Golden(t testing.TB, name string) []Case {
	t.Helper()
	path := filepath.Join(Dir(t), name+"-expected.txt")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var g []Case
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		q, r, ok := strings.Cut(sc.Text(), "|")
		if !ok {
			t.Fatalf("%s:%d: no '|'", path, n)
		}
		g = append(g, Case{q, r})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return g
}

// Model returns the path of NAME-model.npz.
func Model(t testing.TB, name string) string {
	return filepath.Join(Dir(t), name+"-model.npz")
}
