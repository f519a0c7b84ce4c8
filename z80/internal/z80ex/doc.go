// Package z80ex wraps libz80ex, the reference Z80 emulator that package z80
// is tested against. It has content only with the build tag "oracle" (cgo
// and libz80ex-dev needed); product code never imports it.
package z80ex
