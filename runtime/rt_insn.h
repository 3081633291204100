/*
 * rt_insn.h -- the x86-64 stores the fault handler carries out itself
 * (rt_emulate.c), in two steps, as kpatch decodes instructions: decode reads
 * the bytes into a struct insn without looking at any register; execute
 * does the store on a thread's saved registers.  Standalone (no runtime
 * state) so that tests/runtime/test_insn.py compiles it with a harness.
 */
#ifndef POLUS_RT_INSN_H
#define POLUS_RT_INSN_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

enum insn_kind {
    INSN_MOV,       /* 88 89 C6 C7: MOV r/m, reg|imm */
    INSN_ALU,       /* 00-31 (not CMP), 80 81 83: ADD OR ADC SBB AND SUB XOR r/m, reg|imm */
    INSN_INCDEC,    /* FE FF /0 /1 */
    INSN_XCHG,      /* 86 87 (locked without a prefix) */
    INSN_XADD,      /* 0F C0 C1 */
    INSN_CMPXCHG,   /* 0F B0 B1 */
    INSN_SSE,       /* an SSE store from an XMM register (no VEX) */
};

struct insn {
    enum insn_kind kind;
    unsigned len;           /* bytes of the instruction: the PC moves past them */
    unsigned size;          /* bytes stored: 1 2 4 8, or 4 8 16 for SSE */
    unsigned rex;           /* the REX prefix, 0 if none (AH..BH are reachable only without) */
    int reg;                /* the register operand (REX.R included): source, xchg partner, XMM; -1: imm */
    int alu;                /* INSN_ALU: 0-6 add or adc sbb and sub xor; INSN_INCDEC: 0 inc, 1 dec */
    int sse_high;           /* SSE: the upper 8 bytes of the register (movhps/movhpd) */
    uint64_t imm;           /* the immediate, extended as the CPU extends it */
    /* the memory operand: base + (index << scale) + disp, or the next instruction + disp */
    int base, index;        /* -1: none */
    unsigned scale;
    int rip_rel;
    int64_t disp;
};

/* 1: a store we carry out, decoded into *in; 0: anything else (left to the
 * general path: open the page, single-step). */
int rt_insn_decode(const unsigned char *ip, struct insn *in);

/* The address the store writes, from the thread's registers and its PC. */
uint64_t rt_insn_ea(const struct insn *in, const ucontext_t *uc);

/* Do the decoded store at ea (the instruction at the thread's PC): reads the
 * old value there when the operation needs it, writes the result with
 * write(), and on success sets the registers, flags and PC as the CPU would.
 * 1 done; 0 the write failed, nothing changed. */
typedef int (*insn_write_fn)(uintptr_t addr, const void *buf, size_t n);
int rt_insn_execute(const struct insn *in, ucontext_t *uc, uint64_t ea, insn_write_fn write);

#endif
