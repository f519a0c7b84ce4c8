//go:build oracle

package z80ex

/*
#cgo LDFLAGS: -lz80ex
#include <stdint.h>
#include <time.h>
#include <string.h>
#include <z80ex/z80ex.h>

// The oracle's memory and port space live in C so that the benchmark below
// measures libz80ex and not cgo calls.
uint8_t omem[65536];
uint8_t ointData;
int onOut;
uint16_t ooutPort[16];
uint8_t ooutVal[16];

// portValue is the value every IN reads from a port; portValue in Go matches.
static uint8_t portValue(uint16_t port) { return (uint8_t)(((uint32_t)port * 2654435761u) >> 24); }

static Z80EX_BYTE omread(Z80EX_CONTEXT *cpu, Z80EX_WORD addr, int m1, void *u) { return omem[addr]; }
static void omwrite(Z80EX_CONTEXT *cpu, Z80EX_WORD addr, Z80EX_BYTE v, void *u) { omem[addr] = v; }
static Z80EX_BYTE opread(Z80EX_CONTEXT *cpu, Z80EX_WORD port, void *u) { return portValue(port); }
static void opwrite(Z80EX_CONTEXT *cpu, Z80EX_WORD port, Z80EX_BYTE v, void *u) {
	if (onOut < 16) { ooutPort[onOut] = port; ooutVal[onOut] = v; }
	onOut++;
}
static Z80EX_BYTE ointread(Z80EX_CONTEXT *cpu, void *u) { return ointData; }

static Z80EX_CONTEXT *onew(void) {
	return z80ex_create(omread, NULL, omwrite, NULL, opread, NULL, opwrite, NULL, ointread, NULL);
}

// z80ex 1.1.x keeps MEMPTR in its context right after IFF1/IFF2 and does not
// export it; ctxHead mirrors the start of struct _z80_cpu_context. The test
// checks the layout against z80ex_get_reg before trusting it.
typedef struct {
	uint16_t af, bc, de, hl, af_, bc_, de_, hl_, ix, iy;
	uint8_t i;
	uint16_t r;
	uint8_t r7;
	uint16_t sp, pc;
	uint8_t iff1, iff2;
	uint16_t memptr;
} ctxHead;

static uint16_t ogetMemptr(Z80EX_CONTEXT *c) { return ((ctxHead *)c)->memptr; }
static void osetMemptr(Z80EX_CONTEXT *c, uint16_t v) { ((ctxHead *)c)->memptr = v; }
static int ocheckLayout(Z80EX_CONTEXT *c) {
	ctxHead *h = (ctxHead *)c;
	return h->af == z80ex_get_reg(c, regAF) && h->bc == z80ex_get_reg(c, regBC) &&
		h->hl_ == z80ex_get_reg(c, regHL_) && h->iy == z80ex_get_reg(c, regIY) &&
		h->i == z80ex_get_reg(c, regI) && h->r7 == z80ex_get_reg(c, regR7) &&
		h->sp == z80ex_get_reg(c, regSP) && h->pc == z80ex_get_reg(c, regPC) &&
		h->iff1 == z80ex_get_reg(c, regIFF1) && h->iff2 == z80ex_get_reg(c, regIFF2);
}

// ostep executes one whole instruction the way z80.CPU.Step counts one:
// z80ex returns after every prefix, so prefixes are stepped through, except
// that a DD/FD prefix followed by another DD/FD is an instruction of its own.
static int ostep(Z80EX_CONTEXT *c) {
	int t = 0;
	for (;;) {
		t += z80ex_step(c);
		int p = z80ex_last_op_type(c);
		if (p == 0) return t;
		if ((p == 0xDD || p == 0xFD) && (omem[z80ex_get_reg(c, regPC)] | 0x20) == 0xFD) return t;
	}
}

// othreadNS is the CPU time this thread has used, in nanoseconds.
static int64_t othreadNS(void) {
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// orun steps until at least limit T-states have passed (benchmark).
static uint64_t orun(Z80EX_CONTEXT *c, uint64_t limit) {
	uint64_t t = 0;
	while (t < limit) t += z80ex_step(c);
	return t;
}
*/
import "C"

import (
	"errors"
	"time"
	"unsafe"
)

// Mem is the memory the oracle reads and writes (one for all CPUs).
var Mem = (*[65536]byte)(unsafe.Pointer(&C.omem[0]))

// PortValue is the value every IN reads from port.
func PortValue(port uint16) byte { return byte(C.portValue(C.uint16_t(port))) }

// Reg names a libz80ex register.
type Reg C.Z80_REG_T

const (
	AF   = Reg(C.regAF)
	BC   = Reg(C.regBC)
	DE   = Reg(C.regDE)
	HL   = Reg(C.regHL)
	AF_  = Reg(C.regAF_)
	BC_  = Reg(C.regBC_)
	DE_  = Reg(C.regDE_)
	HL_  = Reg(C.regHL_)
	IX   = Reg(C.regIX)
	IY   = Reg(C.regIY)
	PC   = Reg(C.regPC)
	SP   = Reg(C.regSP)
	I    = Reg(C.regI)
	R    = Reg(C.regR) // low 7 bits count; bit 7 is R7
	R7   = Reg(C.regR7)
	IM   = Reg(C.regIM)
	IFF1 = Reg(C.regIFF1)
	IFF2 = Reg(C.regIFF2)
)

// CPU is a libz80ex context.
type CPU struct{ ctx *C.Z80EX_CONTEXT }

// New creates a context and checks that MEMPTR can be read from it.
func New() (*CPU, error) {
	c := &CPU{C.onew()}
	for i, r := range []Reg{AF, BC, HL_, IY, SP, PC} {
		c.Set(r, uint16(0x1111*(i+1)+0x0102))
	}
	c.Set(I, 0x5A)
	c.Set(R7, 0x80)
	c.Set(IFF1, 1)
	if C.ocheckLayout(c.ctx) == 0 {
		c.Close()
		return nil, errors.New("libz80ex context layout is not the expected one: cannot read MEMPTR")
	}
	// MEMPTR after LD A,(1234h) is 1235h.
	save := [3]byte{Mem[0], Mem[1], Mem[2]}
	Mem[0], Mem[1], Mem[2] = 0x3A, 0x34, 0x12
	c.Set(PC, 0)
	c.Step()
	copy(Mem[:3], save[:])
	if c.MEMPTR() != 0x1235 {
		c.Close()
		return nil, errors.New("libz80ex MEMPTR is not at the expected offset")
	}
	return c, nil
}

func (c *CPU) Close()              { C.z80ex_destroy(c.ctx) }
func (c *CPU) Reset()              { C.z80ex_reset(c.ctx) }
func (c *CPU) Get(r Reg) uint16    { return uint16(C.z80ex_get_reg(c.ctx, C.Z80_REG_T(r))) }
func (c *CPU) Set(r Reg, v uint16) { C.z80ex_set_reg(c.ctx, C.Z80_REG_T(r), C.Z80EX_WORD(v)) }
func (c *CPU) MEMPTR() uint16      { return uint16(C.ogetMemptr(c.ctx)) }
func (c *CPU) SetMEMPTR(v uint16)  { C.osetMemptr(c.ctx, C.uint16_t(v)) }
func (c *CPU) Halted() bool        { return C.z80ex_doing_halt(c.ctx) != 0 }
func (c *CPU) IntPossible() bool   { return C.z80ex_int_possible(c.ctx) != 0 }
func (c *CPU) NMIPossible() bool   { return C.z80ex_nmi_possible(c.ctx) != 0 }
func (c *CPU) Int() int            { return int(C.z80ex_int(c.ctx)) }
func (c *CPU) NMI() int            { return int(C.z80ex_nmi(c.ctx)) }
func SetIntData(v byte)            { C.ointData = C.uint8_t(v) }

// RegR is R as the Z80 shows it: bit 7 from R7, the rest from the counter.
func (c *CPU) RegR() byte { return byte(c.Get(R)&0x7F) | byte(c.Get(R7)&0x80) }

// Step executes one whole instruction, stepping libz80ex through prefixes
// (a DD/FD prefix followed by another DD/FD counts as an instruction), and
// returns its T-states.
func (c *CPU) Step() int { return int(C.ostep(c.ctx)) }

// Run steps until at least limit T-states have passed, all in C, and
// returns the T-states run.
func (c *CPU) Run(limit uint64) uint64 { return uint64(C.orun(c.ctx, C.uint64_t(limit))) }

// ThreadCPUTime is the CPU time used by the calling OS thread: speed figures
// based on it do not depend on how busy the host is (lock the goroutine to
// its thread while measuring).
func ThreadCPUTime() time.Duration { return time.Duration(C.othreadNS()) }

// Out is one port write.
type Out struct {
	Port uint16
	V    byte
}

// Outs returns the port writes since the last ResetOuts (at most 16).
func Outs() []Out {
	var outs []Out
	for i := 0; i < int(C.onOut) && i < 16; i++ {
		outs = append(outs, Out{uint16(C.ooutPort[i]), byte(C.ooutVal[i])})
	}
	return outs
}

// OutCount is the number of port writes since the last ResetOuts.
func OutCount() int { return int(C.onOut) }

func ResetOuts() { C.onOut = 0 }
