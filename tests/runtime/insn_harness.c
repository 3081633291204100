/*
 * insn_harness.c -- runs each store of insn_cases.inc (written by
 * tests/runtime/test_insn.py) twice from the same registers and memory:
 * once through rt_insn_decode/rt_insn_execute on a ucontext_t, once on the
 * CPU itself, and prints both resulting states for the test to compare.
 *
 * The instruction is copied into an executable page between a prologue that
 * loads every register (but rsp), xmm0-15 and the flags, and an epilogue
 * that saves them; its last byte lands at PAGE+END so that a rip-relative
 * operand (disp = MEM - END + offset) reaches the same memory both times.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "rt_insn.h"

#define END 1024             /* page offset where the instruction ends */
#define MEM 2048             /* page offset of the memory the stores write */
#define MEM_SIZE 128
#define FLAGS_MASK 0x8D5ull  /* CF PF AF ZF SF OF */

struct state {
    uint64_t flags;
    uint64_t r[16];          /* ModRM numbering: rax rcx rdx rbx rsp rbp rsi rdi r8..r15 */
    unsigned char xmm[16][16];
};

struct tcase {
    const char *name;
    const unsigned char *start, *end;
};

static unsigned char *page;
static struct state in_st, out_st;

static const int greg_index[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

#include "insn_cases.inc"    /* asm blocks, cases[], NCASES, setup(i, state, mem) */

static void reset_memory(void)
{
    for (int i = 0; i < MEM_SIZE; i++)
        page[MEM + i] = (unsigned char)(i * 37 + 11);
}

static void initial_state(int i, struct state *s)
{
    uint64_t m = (uint64_t)(uintptr_t)(page + MEM);
    memset(s, 0, sizeof *s);
    for (int n = 0; n < 16; n++)
        s->r[n] = 0x0123456789ABCDEFull * (uint64_t)(n + 3) ^ 0xF0E1D2C3B4A59687ull;
    s->r[3] = m;             /* rbx, rsi, rbp, r13: bases into the memory; rcx, r12: indexes */
    s->r[6] = m + 32;
    s->r[5] = m + 64;
    s->r[13] = m + 8;
    s->r[1] = 2;
    s->r[12] = 3;
    s->r[9] = m / 2;         /* an index with no base: 0x10(,%r9,2) */
    s->flags = 0x202;
    for (int n = 0; n < 16; n++)
        for (int k = 0; k < 16; k++)
            s->xmm[n][k] = (unsigned char)(0xA0 + n * 16 + k);
    setup(i, s, m);
}

/* mov r64, [rax+disp32] (load) or [rax+disp32], r64 (store) */
static unsigned char *gpr_move(unsigned char *p, int n, int store, uint32_t disp)
{
    *p++ = (unsigned char)(0x48 | (n >= 8 ? 4 : 0));
    *p++ = store ? 0x89 : 0x8B;
    *p++ = (unsigned char)(0x80 | ((n & 7) << 3));
    memcpy(p, &disp, 4);
    return p + 4;
}

/* movdqu xmm, [rax+disp32] or [rax+disp32], xmm */
static unsigned char *xmm_move(unsigned char *p, int n, int store, uint32_t disp)
{
    *p++ = 0xF3;
    if (n >= 8)
        *p++ = 0x44;
    *p++ = 0x0F;
    *p++ = store ? 0x7F : 0x6F;
    *p++ = (unsigned char)(0x80 | ((n & 7) << 3));
    memcpy(p, &disp, 4);
    return p + 4;
}

static unsigned char *movabs_rax(unsigned char *p, const void *addr)
{
    uint64_t a = (uint64_t)(uintptr_t)addr;
    *p++ = 0x48;
    *p++ = 0xB8;
    memcpy(p, &a, 8);
    return p + 8;
}

static const unsigned char saves[] = {0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57};
static const unsigned char restores[] = {0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, 0x5D, 0x5B, 0xC3};

static unsigned char *prologue(unsigned char *p)
{
    memcpy(p, saves, sizeof saves);
    p = movabs_rax(p + sizeof saves, &in_st);
    *p++ = 0xFF, *p++ = 0x30, *p++ = 0x9D;        /* push [rax]; popfq */
    for (int n = 0; n < 16; n++)
        p = xmm_move(p, n, 0, (uint32_t)offsetof(struct state, xmm[n]));
    for (int n = 1; n < 16; n++)
        if (n != 4)
            p = gpr_move(p, n, 0, (uint32_t)offsetof(struct state, r[n]));
    return gpr_move(p, 0, 0, (uint32_t)offsetof(struct state, r[0]));
}

static void epilogue(unsigned char *p)
{
    *p++ = 0x9C, *p++ = 0x50;                     /* pushfq; push rax */
    p = movabs_rax(p, &out_st);
    for (int n = 1; n < 16; n++)
        if (n != 4)
            p = gpr_move(p, n, 1, (uint32_t)offsetof(struct state, r[n]));
    for (int n = 0; n < 16; n++)
        p = xmm_move(p, n, 1, (uint32_t)offsetof(struct state, xmm[n]));
    *p++ = 0x59;                                  /* pop rcx: the instruction's rax */
    p = gpr_move(p, 1, 1, (uint32_t)offsetof(struct state, r[0]));
    *p++ = 0x59;                                  /* pop rcx: its flags */
    p = gpr_move(p, 1, 1, (uint32_t)offsetof(struct state, flags));
    memcpy(p, restores, sizeof restores);
}

static int write_memory(uintptr_t addr, const void *buf, size_t n)
{
    memcpy((void *)addr, buf, n);
    return 0;
}

static void print_state(const char *tag, const struct state *s)
{
    printf("%s flags=%llx", tag, (unsigned long long)(s->flags & FLAGS_MASK));
    for (int n = 0; n < 16; n++)
        if (n != 4)
            printf(" r%d=%llx", n, (unsigned long long)s->r[n]);
    for (int n = 0; n < 16; n++) {
        printf(" xmm%d=", n);
        for (int k = 0; k < 16; k++)
            printf("%02x", s->xmm[n][k]);
    }
    printf(" mem=");
    for (int i = 0; i < MEM_SIZE; i++)
        printf("%02x", page[MEM + i]);
    printf("\n");
}

static void run_case(int i)
{
    const struct tcase *c = &cases[i];
    size_t len = (size_t)(c->end - c->start);
    unsigned char *insn = page + END - len;
    struct insn in;
    memset(page, 0xCC, END);
    memcpy(insn, c->start, len);
    if (!rt_insn_decode(insn, &in)) {
        printf("%s refused\n", c->name);
        return;
    }
    printf("%s decoded kind=%d len=%u size=%u bytes=%zu\n", c->name, (int)in.kind, in.len, in.size, len);
    if (in.len != len)
        return;

    /* the emulation, on a saved context */
    struct state s;
    ucontext_t uc;
    struct _libc_fpstate fp;
    initial_state(i, &s);
    reset_memory();
    memset(&uc, 0, sizeof uc);
    memset(&fp, 0, sizeof fp);
    for (int n = 0; n < 16; n++) {
        uc.uc_mcontext.gregs[greg_index[n]] = (greg_t)s.r[n];
        memcpy(&fp._xmm[n], s.xmm[n], 16);
    }
    uc.uc_mcontext.gregs[REG_EFL] = (greg_t)s.flags;
    uc.uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)insn;
    uc.uc_mcontext.fpregs = &fp;
    uint64_t ea = rt_insn_ea(&in, &uc);
    int done = rt_insn_execute(&in, &uc, ea, write_memory);
    struct state e = s;
    for (int n = 0; n < 16; n++) {
        e.r[n] = (uint64_t)uc.uc_mcontext.gregs[greg_index[n]];
        memcpy(e.xmm[n], &fp._xmm[n], 16);
    }
    e.flags = (uint64_t)uc.uc_mcontext.gregs[REG_EFL];
    printf("%s done=%d ea=%lld pc=%lld\n", c->name, done,
           (long long)(ea - (uint64_t)(uintptr_t)(page + MEM)),
           (long long)((unsigned char *)(uintptr_t)uc.uc_mcontext.gregs[REG_RIP] - insn));
    print_state("emulated", &e);

    /* the CPU: prologue, the instruction (ending at END), epilogue */
    unsigned char pro[1024];
    size_t plen = (size_t)(prologue(pro) - pro);
    memcpy(insn - plen, pro, plen);
    epilogue(insn + len);
    initial_state(i, &in_st);
    reset_memory();
    ((void (*)(void))(insn - plen))();
    print_state("cpu", &out_st);
}

int main(void)
{
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    for (int i = 0; i < NCASES; i++) {
        run_case(i);
        fflush(stdout);
    }
    return 0;
}
