/*
 * rt_insn.c -- decode and execute the x86-64 stores rt_emulate.c carries out
 * for a faulting thread (see rt_insn.h).  The forms, and why these:
 * rt_emulate.c.  Decoding looks only at the bytes; executing reads the
 * registers from the thread's saved context and writes memory through the
 * function it is given (the runtime: /proc/self/mem).
 */
#include "rt_insn.h"

#include <string.h>

/* general register number (ModRM/REX numbering) -> ucontext slot */
static const int greg_index[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static uint64_t reg(const ucontext_t *uc, int n)
{
    return (uint64_t)uc->uc_mcontext.gregs[greg_index[n & 15]];
}

/* ---- read-modify-write: the operation done on registers at the store's
 * width, so the result and the flags are the CPU's own.  pushfq goes below
 * the 128-byte red zone (moved with lea: it keeps the flags) -- this runs in
 * a leaf that may keep locals there. */
#define RT_FLAGS_MASK 0x8D5ull       /* CF PF AF ZF SF OF */
#define RT_SAVE_FLAGS "lea -128(%%rsp), %%rsp\n\tpushfq\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp"

#define ALU_W(insn, sfx, T, cons)                                                   \
    {                                                                               \
        T x_ = (T)a, y_ = (T)b;                                                     \
        __asm__("bt $0, %[c]\n\t" insn sfx " %[y], %[x]\n\t" RT_SAVE_FLAGS          \
                : [x] "+" cons(x_), [f] "=&r"(f) : [y] cons(y_), [c] "r"(cf) : "cc"); \
        r = x_;                                                                     \
        break;                                                                      \
    }

#define ALU_FN(name, insn)                                                          \
    static uint64_t alu_##name(uint64_t a, uint64_t b, size_t size, uint64_t cf, uint64_t *fl) \
    {                                                                               \
        uint64_t r, f;                                                              \
        switch (size) {                                                             \
        case 1: ALU_W(insn, "b", uint8_t, "q")                                      \
        case 2: ALU_W(insn, "w", uint16_t, "r")                                     \
        case 4: ALU_W(insn, "l", uint32_t, "r")                                     \
        default: ALU_W(insn, "q", uint64_t, "r")                                    \
        }                                                                           \
        *fl = f;                                                                    \
        return r;                                                                   \
    }

ALU_FN(add, "add")
ALU_FN(or, "or")
ALU_FN(adc, "adc")
ALU_FN(sbb, "sbb")
ALU_FN(and, "and")
ALU_FN(sub, "sub")
ALU_FN(xor, "xor")

typedef uint64_t (*alu_fn)(uint64_t, uint64_t, size_t, uint64_t, uint64_t *);
static const alu_fn alu_ops[7] = { alu_add, alu_or, alu_adc, alu_sbb, alu_and, alu_sub, alu_xor };

/* inc/dec: add/sub 1 keeping CF as it was */
static uint64_t alu_incdec(uint64_t a, int dec, size_t size, uint64_t cf, uint64_t *fl)
{
    uint64_t r = dec ? alu_sub(a, 1, size, 0, fl) : alu_add(a, 1, size, 0, fl);
    *fl = (*fl & ~1ull) | (cf & 1);
    return r;
}

static uint64_t load_sized(uintptr_t ea, size_t size)
{
    switch (size) {
    case 1: return *(volatile uint8_t *)ea;
    case 2: return *(volatile uint16_t *)ea;
    case 4: return *(volatile uint32_t *)ea;
    default: return *(volatile uint64_t *)ea;
    }
}

/* An SSE store from an XMM register to memory (no VEX: what gcc emits for
 * x86-64 by default -- struct copies, inlined memset/memcpy): the bytes it
 * writes, or 0.  *high: the upper 8 bytes of the register (movhps/movhpd). */
static int sse_store(unsigned op2, int p66, int rep, int w, int *high)
{
    *high = 0;
    if (rep == 0xF3)
        return op2 == 0x11 ? 4 : op2 == 0x7F ? 16 : 0;      /* movss, movdqu */
    if (rep == 0xF2)
        return op2 == 0x11 ? 8 : 0;                         /* movsd */
    switch (op2) {
    case 0x11: case 0x29: case 0x2B:                        /* movups/movupd movaps/movapd movntps/pd */
        return 16;
    case 0x13:                                              /* movlps/movlpd */
        return 8;
    case 0x17:                                              /* movhps/movhpd */
        *high = 1;
        return 8;
    case 0x7F: case 0xE7:                                   /* movdqa, movntdq (66 only) */
        return p66 ? 16 : 0;
    case 0xD6:                                              /* movq m64, xmm */
        return p66 ? 8 : 0;
    case 0x7E:                                              /* movd/movq r/m, xmm */
        return p66 ? (w ? 8 : 4) : 0;
    default:
        return 0;
    }
}

/* A source register at an operand size (AH..BH without REX). */
static uint64_t reg8_or_wider(const ucontext_t *uc, int n, size_t size, int rex)
{
    if (size == 1 && !rex && n >= 4 && n < 8)
        return (reg(uc, n - 4) >> 8) & 0xFF;
    return reg(uc, n);
}

/* Write a register at an operand size, as the CPU does: 32 bits zero the
 * upper half, 8 and 16 bits keep the rest. */
static void set_reg(ucontext_t *uc, int n, size_t size, int rex, uint64_t v)
{
    greg_t *g;
    int shift = 0;
    if (size == 1 && !rex && n >= 4 && n < 8) {
        g = &uc->uc_mcontext.gregs[greg_index[n - 4]];
        shift = 8;
    } else {
        g = &uc->uc_mcontext.gregs[greg_index[n & 15]];
    }
    uint64_t old = (uint64_t)*g;
    switch (size) {
    case 1: *g = (greg_t)((old & ~(0xFFull << shift)) | ((v & 0xFF) << shift)); break;
    case 2: *g = (greg_t)((old & ~0xFFFFull) | (v & 0xFFFF)); break;
    case 4: *g = (greg_t)(uint32_t)v; break;
    default: *g = (greg_t)v; break;
    }
}


/* ---- decode ---- */

struct prefixes {
    int opsize16, rep, lock;
};

/* Legacy prefixes: 66, F0, and F2/F3 before an SSE opcode.  NULL: too many. */
static const unsigned char *read_prefixes(const unsigned char *ip, struct prefixes *px)
{
    const unsigned char *p = ip;
    for (;; p++) {
        if (*p == 0x66)
            px->opsize16 = 1;
        else if (*p == 0xF2 || *p == 0xF3)
            px->rep = *p;
        else if (*p == 0xF0)
            px->lock = 1;
        else
            break;
        if (p - ip > 4)
            return NULL;
    }
    return p;
}

/* A two-byte opcode 0F xx: XADD, CMPXCHG or an SSE store.  *byte_op: it
 * stores one byte.  0: none of ours. */
static int decode_0f(unsigned op2, const struct prefixes *px, struct insn *in, int *byte_op)
{
    if (op2 == 0xC0 || op2 == 0xC1) {
        in->kind = INSN_XADD;
        *byte_op = op2 == 0xC0;
    } else if (op2 == 0xB0 || op2 == 0xB1) {
        in->kind = INSN_CMPXCHG;
        *byte_op = op2 == 0xB0;
    } else {
        in->kind = INSN_SSE;
        in->size = px->lock ? 0 : (unsigned)sse_store(op2, px->opsize16, px->rep, (in->rex >> 3) & 1, &in->sse_high);
        return in->size != 0;
    }
    return !px->rep;
}

/* A one-byte opcode: MOV, ALU, INC/DEC, XCHG.  *byte_op: it stores one
 * byte; *imm_bytes: the immediate that follows the memory operand (1, or
 * 4 -- 2 with 66 --, 0: none); *imm_signed: sign-extended.  0: none of ours. */
static int decode_1byte(unsigned op, struct insn *in, int *byte_op, int *imm_bytes, int *imm_signed)
{
    if (op == 0x88 || op == 0x89 || op == 0xC6 || op == 0xC7) {
        in->kind = INSN_MOV;
        *byte_op = op == 0x88 || op == 0xC6;
        *imm_bytes = op == 0xC6 ? 1 : op == 0xC7 ? 4 : 0;
    } else if (op < 0x40 && (op & 7) <= 1 && (op >> 3) != 7) {     /* ALU r/m, r (even: 8 bit) */
        in->kind = INSN_ALU;
        in->alu = (int)(op >> 3);
        *byte_op = !(op & 1);
    } else if (op == 0x80 || op == 0x81 || op == 0x83) {            /* ALU r/m, imm */
        in->kind = INSN_ALU;
        *byte_op = op == 0x80;
        *imm_bytes = op == 0x81 ? 4 : 1;
        *imm_signed = op != 0x80;
    } else if (op == 0xFE || op == 0xFF) {
        in->kind = INSN_INCDEC;
        *byte_op = op == 0xFE;
    } else if (op == 0x86 || op == 0x87) {
        in->kind = INSN_XCHG;
        *byte_op = op == 0x86;
    } else {
        return 0;
    }
    return 1;
}

/* ModRM, SIB and displacement: the memory operand, as registers and a
 * displacement (no register is read here).  NULL: a register operand. */
static const unsigned char *decode_modrm(const unsigned char *p, struct insn *in, unsigned *regf)
{
    unsigned modrm = *p++;
    unsigned mod = modrm >> 6, rm = modrm & 7;
    unsigned x = (in->rex >> 1) & 1, b = in->rex & 1;
    int32_t d32;
    *regf = (modrm >> 3) & 7;
    if (mod == 3)
        return NULL;
    in->base = in->index = -1;
    if (rm == 4) {
        unsigned sib = *p++;
        unsigned index = ((sib >> 3) & 7) | (x << 3), base = sib & 7;
        in->scale = sib >> 6;
        if (index != 4)
            in->index = (int)index;
        if (base == 5 && mod == 0) {
            memcpy(&d32, p, 4);
            p += 4;
            in->disp += d32;
        } else {
            in->base = (int)(base | (b << 3));
        }
    } else if (rm == 5 && mod == 0) {
        in->rip_rel = 1;
    } else {
        in->base = (int)(rm | (b << 3));
    }
    if (mod == 1) {
        in->disp += (int8_t)*p++;
    } else if (mod == 2 || in->rip_rel) {
        memcpy(&d32, p, 4);
        p += 4;
        in->disp += d32;
    }
    return p;
}

/* The ModRM reg field's meaning for each kind; 0: not a store. */
static int decode_regf(unsigned op, unsigned regf, struct insn *in)
{
    int r = (int)(regf | (((in->rex >> 2) & 1) << 3));
    switch (in->kind) {
    case INSN_MOV:
        if (op == 0xC6 || op == 0xC7)
            return regf == 0;
        in->reg = r;
        return 1;
    case INSN_ALU:
        if (op == 0x80 || op == 0x81 || op == 0x83) {
            in->alu = (int)regf;
            return regf != 7;                       /* CMP writes nothing */
        }
        in->reg = r;
        return 1;
    case INSN_INCDEC:
        in->alu = (int)regf;
        return regf <= 1;                           /* call, jmp, push: not stores */
    default:                                        /* XCHG XADD CMPXCHG SSE */
        in->reg = r;
        return 1;
    }
}

/* An immediate of 1, 2 or 4 bytes, extended as the CPU does: imm8 as
 * the opcode says, imm16 with zeros, imm32 with its sign. */
static uint64_t read_imm(const unsigned char *p, int bytes, int sign)
{
    uint16_t v16;
    int32_t v32;
    switch (bytes) {
    case 1:
        return sign ? (uint64_t)(int64_t)(int8_t)*p : *p;
    case 2:
        memcpy(&v16, p, 2);
        return v16;
    case 4:
        memcpy(&v32, p, 4);
        return (uint64_t)(int64_t)v32;
    default:
        return 0;
    }
}

int rt_insn_decode(const unsigned char *ip, struct insn *in)
{
    struct prefixes px = {0, 0, 0};
    int byte_op = 0, imm_bytes = 0, imm_signed = 0;
    unsigned regf;
    memset(in, 0, sizeof *in);
    in->reg = -1;
    const unsigned char *p = read_prefixes(ip, &px);
    if (!p)
        return 0;
    if ((*p & 0xF0) == 0x40)
        in->rex = *p++;
    unsigned op = *p++;
    if (op == 0x0F) {
        if (!decode_0f(*p++, &px, in, &byte_op))
            return 0;
    } else if (px.rep || !decode_1byte(op, in, &byte_op, &imm_bytes, &imm_signed)) {
        return 0;
    }
    if (px.lock && in->kind == INSN_MOV)
        return 0;
    if (!(p = decode_modrm(p, in, &regf)) || !decode_regf(op, regf, in))
        return 0;
    if (in->kind != INSN_SSE)
        in->size = byte_op ? 1 : (in->rex & 8) ? 8 : px.opsize16 ? 2 : 4;
    if (imm_bytes == 4 && in->size == 2)
        imm_bytes = 2;                              /* C7 / 81 with 66: imm16 */
    in->imm = read_imm(p, imm_bytes, imm_signed);
    in->len = (unsigned)(p + imm_bytes - ip);
    return 1;
}

/* ---- execute ---- */

uint64_t rt_insn_ea(const struct insn *in, const ucontext_t *uc)
{
    uint64_t ea = (uint64_t)in->disp;
    if (in->index >= 0)
        ea += reg(uc, in->index) << in->scale;
    if (in->base >= 0)
        ea += reg(uc, in->base);
    if (in->rip_rel)      /* relative to the next instruction (immediates included) */
        ea += (uint64_t)uc->uc_mcontext.gregs[REG_RIP] + in->len;
    return ea;
}

static int execute_sse(const struct insn *in, ucontext_t *uc, uint64_t ea, insn_write_fn write)
{
    const unsigned char *xmm = (const unsigned char *)&uc->uc_mcontext.fpregs->_xmm[in->reg];
    return write((uintptr_t)ea, xmm + (in->sse_high ? 8 : 0), in->size) == 0;
}

int rt_insn_execute(const struct insn *in, ucontext_t *uc, uint64_t ea, insn_write_fn write)
{
    greg_t next = uc->uc_mcontext.gregs[REG_RIP] + (greg_t)in->len;
    if (in->kind == INSN_SSE) {
        if (!execute_sse(in, uc, ea, write))
            return 0;
        uc->uc_mcontext.gregs[REG_RIP] = next;
        return 1;
    }
    size_t size = in->size;
    uint64_t value = in->reg >= 0 ? reg8_or_wider(uc, in->reg, size, (int)in->rex) : in->imm;
    uint64_t flags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL], fl = flags;
    int dst_reg = -1;             /* xchg, xadd, failed cmpxchg: a register gets the old value */
    uint64_t old = in->kind == INSN_MOV ? 0 : load_sized((uintptr_t)ea, size);
    int store = 1;
    switch (in->kind) {
    case INSN_ALU:
        value = alu_ops[in->alu](old, value, size, flags & 1, &fl);
        break;
    case INSN_INCDEC:
        value = alu_incdec(old, in->alu == 1, size, flags & 1, &fl);
        break;
    case INSN_XCHG:
        dst_reg = in->reg;
        break;
    case INSN_XADD:
        dst_reg = in->reg;
        value = alu_add(old, value, size, 0, &fl);
        break;
    case INSN_CMPXCHG:            /* compare the accumulator with memory; ZF: memory gets the source */
        alu_sub(reg8_or_wider(uc, 0, size, (int)in->rex), old, size, 0, &fl);
        if (!(fl & 0x40))
            store = 0, dst_reg = 0;
        break;
    default:
        break;
    }
    flags = (flags & ~RT_FLAGS_MASK) | (fl & RT_FLAGS_MASK);
    if (store && write((uintptr_t)ea, &value, size) != 0)
        return 0;
    if (dst_reg >= 0)
        set_reg(uc, dst_reg, size, (int)in->rex, old);
    uc->uc_mcontext.gregs[REG_EFL] = (greg_t)flags;
    uc->uc_mcontext.gregs[REG_RIP] = next;
    return 1;
}
