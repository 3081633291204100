/*
 * rt_emulate.c -- carry out a faulting store for the faulting thread alone.
 *
 * Opening a protected page makes it writable for every thread: a write by
 * another thread into a live copy on that page then lands without a fault
 * (a "silent" write, carried across only later, outside that thread's lock:
 * measured, an unlocked writer of unrelated data on a tracked page made
 * mutex-protected increments go missing).  Most stores compiled C makes are
 * one MOV (88/89/C6/C7 with a memory operand), one read-modify-write (ALU
 * 00-31, 80/81/83, INC/DEC FE/FF, with or without lock prefix), an exchange
 * (XCHG, XADD, CMPXCHG: semaphores and mutexes next to a tracked global) or
 * one SSE store from an XMM register (struct copies, inlined memset/memcpy).
 * For those the fault handler computes the address and the value from the
 * saved registers, writes them through /proc/self/mem (the kernel writes a
 * read-only private page for us), steps the PC past the instruction, and
 * synchronizes right there: no window, no single-step.  A read-modify-write
 * reads the old value and runs the same operation on registers at the same
 * width, so result and flags are the CPU's own.  Every emulated store holds
 * one lock while it reads and writes: all writes to a protected page come
 * through here, so a locked instruction stays atomic against every other
 * write to its address.  Anything else (AVX, string stores, bit tests,
 * segment overrides) takes the general path: open, TF, single-step.  The
 * decoded address must match the faulting one or the store is not
 * emulated.
 *
 * Sync functions write their destination the same way (rt_writethrough.c:
 * into a copy, then the changed bytes through /proc/self/mem), so the other
 * copy's pages are never opened either.
 *
 * /proc/self/mem is opened per process: a fork child must not write
 * through its parent's descriptor (that one points at the parent's memory),
 * so the descriptor is checked against getpid() on every use.
 */
#include "rt_internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

static int mem_fd = -1;
static pid_t mem_pid;
static int emulate_off = -1;     /* POLUS_NO_EMULATE set: always the general path */

static int mem_open(void)
{
    pid_t pid = getpid();
    if (mem_fd >= 0 && mem_pid == pid)
        return mem_fd;
    if (mem_fd >= 0)
        close(mem_fd);    /* inherited from the parent: it writes the parent's memory */
    mem_fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
    mem_pid = pid;
    return mem_fd;
}

void rt_emulate_init(void)
{
    const char *e = getenv("POLUS_NO_EMULATE");
    emulate_off = e && *e && strcmp(e, "0") != 0;
    if (!emulate_off)
        mem_open();
}

/* With data still tracked the child opens its own /proc/self/mem at once,
 * before it can chroot or drop privileges (a vsftpd session does both) and
 * lose it.  Otherwise it is opened when first needed: an open per fork
 * showed in a fork server's connection time.  (The emulation lock was
 * released first, by rt_emulate_atfork_unlock.) */
void rt_emulate_atfork_child(int tracked)
{
    if (emulate_off)
        return;
    if (tracked) {
        mem_open();
    } else if (mem_fd >= 0) {
        close(mem_fd);    /* the parent's: never to be written through here */
        mem_fd = -1;
    }
}

int rt_mem_enabled(void)
{
    return rt_mem_fd() >= 0;
}

/* This process's /proc/self/mem (checked against getpid: a system call, so
 * a caller with several writes to make asks once), or -1: not to be used. */
int rt_mem_fd(void)
{
    return emulate_off == 0 ? mem_open() : -1;
}

/* Write into our own memory past any page protection (the kernel does it
 * for us through /proc/self/mem).  0, or -1: not written. */
int rt_mem_pwrite(int fd, uintptr_t addr, const void *buf, size_t n)
{
    return fd >= 0 && pwrite(fd, buf, n, (off_t)addr) == (ssize_t)n ? 0 : -1;
}

int rt_mem_write(uintptr_t addr, const void *buf, size_t n)
{
    return rt_mem_pwrite(rt_mem_fd(), addr, buf, n);
}

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

static _Atomic long emu_busy;    /* tid of the thread inside an emulated store, 0: none */

/* 1: taken; 0: this very thread holds it (a remote call made on a thread
 * stopped inside a store): the general path; -1: another thread holds it.
 * That thread may be stopped by the injector between its read and its
 * write: the caller must then let the store fault again later, never run it
 * natively on an opened page, where it would slip in between and be lost. */
static int emu_lock(void)
{
    long me = rt_gettid();
    for (int spins = 0; spins < 100000; spins++) {
        long expected = 0;
        if (atomic_compare_exchange_weak(&emu_busy, &expected, me))
            return 1;
        if (expected == me)
            return 0;
        __builtin_ia32_pause();
    }
    return -1;
}

static void emu_unlock(void)
{
    atomic_store(&emu_busy, 0);
}

void rt_emulate_atfork_unlock(void)
{
    /* only if set: a store to a page shared with the parent copies it */
    if (atomic_load(&emu_busy))
        atomic_store(&emu_busy, 0);
}

/* Returns 1 if the store was done and the PC moved past it; *ea and *size
 * say what was written.  0: not a store we emulate, nothing changed. */
int rt_emulate_store(void *ucv, uintptr_t fault, uintptr_t *ea_out, size_t *size_out)
{
    ucontext_t *uc = ucv;
    if (emulate_off != 0)
        return 0;
    const unsigned char *ip = (const unsigned char *)uc->uc_mcontext.gregs[REG_RIP];
    const unsigned char *p = ip;
    int opsize16 = 0, rex = 0, rep = 0, lock = 0;

    for (;; p++) {           /* legacy prefixes: 66, F0, and F2/F3 before an SSE opcode */
        if (*p == 0x66)
            opsize16 = 1;
        else if (*p == 0xF2 || *p == 0xF3)
            rep = *p;
        else if (*p == 0xF0)
            lock = 1;
        else
            break;
        if (p - ip > 4)
            return 0;
    }
    if ((*p & 0xF0) == 0x40)
        rex = *p++;
    int w = (rex >> 3) & 1, r = (rex >> 2) & 1, x = (rex >> 1) & 1, b = rex & 1;
    unsigned op = *p++;
    /* MOV r/m,r  MOV r/m,imm  ALU r/m,r (00-31, even/odd: 8 bit/wider)
     * ALU r/m,imm (80 81 83)  INC/DEC r/m (FE FF /0 /1)  SSE stores (0F ..) */
    int is_mov = op == 0x88 || op == 0x89 || op == 0xC6 || op == 0xC7;
    int is_alu_r = op < 0x40 && (op & 7) <= 1 && (op >> 3) != 7;
    int is_alu_i = op == 0x80 || op == 0x81 || op == 0x83;
    int is_incdec = op == 0xFE || op == 0xFF;
    int is_xchg = op == 0x86 || op == 0x87;                 /* locked without a prefix */
    int xadd = 0, cmpxchg = 0;                              /* 0F C0/C1, 0F B0/B1 */
    int sse_size = 0, sse_high = 0, byte0f = 0;
    if (op == 0x0F) {
        unsigned op2 = *p++;
        if (op2 == 0xC0 || op2 == 0xC1)
            xadd = 1, byte0f = op2 == 0xC0;
        else if (op2 == 0xB0 || op2 == 0xB1)
            cmpxchg = 1, byte0f = op2 == 0xB0;
        else if (lock || !(sse_size = sse_store(op2, opsize16, rep, w, &sse_high)) || !uc->uc_mcontext.fpregs)
            return 0;
        if ((xadd || cmpxchg) && rep)
            return 0;
    } else if (rep || (!is_mov && !is_alu_r && !is_alu_i && !is_incdec && !is_xchg)) {
        return 0;
    }
    if (lock && !(is_alu_r || is_alu_i || is_incdec || is_xchg || xadd || cmpxchg))
        return 0;
    unsigned modrm = *p++;
    unsigned mod = modrm >> 6, regf = (modrm >> 3) & 7, rm = modrm & 7;
    if (mod == 3)
        return 0;
    if ((op == 0xC6 || op == 0xC7) && regf != 0)
        return 0;
    if (is_alu_i && regf == 7)
        return 0;   /* CMP writes nothing */
    if (is_incdec && regf > 1)
        return 0;   /* call, jmp, push: not stores */

    uint64_t ea = 0;
    int rip_rel = 0;
    if (rm == 4) {
        unsigned sib = *p++;
        unsigned scale = sib >> 6, index = ((sib >> 3) & 7) | (x << 3), base = sib & 7;
        if (index != 4)
            ea += reg(uc, (int)index) << scale;
        if (base == 5 && mod == 0) {
            int32_t d;
            memcpy(&d, p, 4);
            p += 4;
            ea += (uint64_t)(int64_t)d;
        } else {
            ea += reg(uc, (int)(base | (b << 3)));
        }
    } else if (rm == 5 && mod == 0) {
        rip_rel = 1;
    } else {
        ea += reg(uc, (int)(rm | (b << 3)));
    }
    if (mod == 1) {
        ea += (uint64_t)(int64_t)(int8_t)*p++;
    } else if (mod == 2 || rip_rel) {
        int32_t d;
        memcpy(&d, p, 4);
        p += 4;
        ea += (uint64_t)(int64_t)d;
    }

    if (sse_size) {
        if (rip_rel)
            ea += (uint64_t)(uintptr_t)p;
        if (!(fault >= ea && fault < ea + (uint64_t)sse_size))
            return 0;
        const unsigned char *xmm = (const unsigned char *)&uc->uc_mcontext.fpregs->_xmm[regf | (r << 3)];
        if (rt_mem_write((uintptr_t)ea, xmm + (sse_high ? 8 : 0), (size_t)sse_size) != 0)
            return 0;
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)p;
        *ea_out = (uintptr_t)ea;
        *size_out = (size_t)sse_size;
        return 1;
    }
    int byte_op = op == 0x88 || op == 0xC6 || op == 0x80 || op == 0xFE || (is_alu_r && !(op & 1)) ||
                  op == 0x86 || byte0f;
    size_t size = byte_op ? 1 : w ? 8 : opsize16 ? 2 : 4;
    uint64_t value = 0;
    int alu = -1;                 /* 0-6: add or adc sbb and sub xor; 8/9: inc/dec */
    if (is_mov && (op == 0x88 || op == 0x89)) {
        int src = (int)(regf | (r << 3));
        if (size == 1 && !rex && regf >= 4)
            value = (reg(uc, regf - 4) >> 8) & 0xFF;   /* AH, CH, DH, BH */
        else
            value = reg(uc, src);
    } else if (is_xchg || xadd || cmpxchg) {
        value = reg8_or_wider(uc, (int)(regf | (r << 3)), size, rex);
    } else if (is_alu_r) {
        alu = (int)(op >> 3);
        int src = (int)(regf | (r << 3));
        if (size == 1 && !rex && regf >= 4)
            value = (reg(uc, regf - 4) >> 8) & 0xFF;
        else
            value = reg(uc, src);
    } else if (is_incdec) {
        alu = 8 + (int)regf;
    } else if (op == 0xC6 || op == 0x80 || op == 0x83) {
        value = op == 0x83 ? (uint64_t)(int64_t)(int8_t)*p : *p;
        p++;
        if (is_alu_i)
            alu = (int)regf;
    } else if (size == 2) {       /* C7 / 81 with 66 */
        uint16_t v16;
        memcpy(&v16, p, 2);
        p += 2;
        value = v16;
        if (is_alu_i)
            alu = (int)regf;
    } else {                      /* C7 / 81: imm32, sign-extended to 64 */
        int32_t v32;
        memcpy(&v32, p, 4);
        p += 4;
        value = (uint64_t)(int64_t)v32;
        if (is_alu_i)
            alu = (int)regf;
    }
    if (rip_rel)
        ea += (uint64_t)(uintptr_t)p;   /* relative to the next instruction (immediates included) */

    /* the decoded store must be the one that faulted */
    if (!(fault >= ea && fault < ea + size))
        return 0;
    /* Every emulated store runs under one lock: all writes to a protected
     * page come here, so a locked instruction done here is atomic against
     * every other write to its address (loads see the old or new value). */
    int locked = emu_lock();
    if (locked <= 0)
        return locked;
    uint64_t flags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
    int dst_reg = -1;             /* xchg, xadd, failed cmpxchg: a register gets the old value */
    uint64_t reg_value = 0;
    int write = 1;
    if (alu >= 0 || is_xchg || xadd || cmpxchg) {
        uint64_t old = load_sized((uintptr_t)ea, size), fl;
        if (alu >= 8) {
            value = alu_incdec(old, alu == 9, size, flags & 1, &fl);
        } else if (alu >= 0) {
            value = alu_ops[alu](old, value, size, flags & 1, &fl);
        } else if (is_xchg) {
            dst_reg = (int)(regf | (r << 3)), reg_value = old;
            fl = flags;
        } else if (xadd) {
            dst_reg = (int)(regf | (r << 3)), reg_value = old;
            value = alu_add(old, value, size, 0, &fl);
        } else {                  /* cmpxchg: compare the accumulator with memory */
            uint64_t acc = reg8_or_wider(uc, 0, size, rex);
            alu_sub(acc, old, size, 0, &fl);
            if (fl & 0x40) {      /* ZF: equal, memory gets the source */
                /* value is already the source register */
            } else {
                write = 0;
                dst_reg = 0, reg_value = old;
            }
        }
        flags = (flags & ~RT_FLAGS_MASK) | (fl & RT_FLAGS_MASK);
    }
    if (write && rt_mem_write((uintptr_t)ea, &value, size) != 0) {
        emu_unlock();
        return 0;
    }
    emu_unlock();
    if (dst_reg >= 0)
        set_reg(uc, dst_reg, size, rex, reg_value);
    uc->uc_mcontext.gregs[REG_EFL] = (greg_t)flags;
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)p;
    *ea_out = (uintptr_t)ea;
    *size_out = size;
    return 1;
}
