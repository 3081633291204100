/*
 * rt_emulate.c -- carry out a plain MOV store for the faulting thread alone.
 *
 * Opening a protected page makes it writable for every thread: a write by
 * another thread into a live copy on that page then lands without a fault
 * (a "silent" write, carried across only later, outside that thread's lock:
 * measured, an unlocked writer of unrelated data on a tracked page made
 * mutex-protected increments go missing).  Most stores compiled C makes are
 * one MOV (88/89/C6/C7 with a memory operand).  For those the fault handler
 * computes the address and the value from the saved registers, writes them
 * through /proc/self/mem (the kernel writes a read-only private page for
 * us), steps the PC past the instruction, and synchronizes right there: no
 * window, no single-step.  Anything else (RMW, SSE/AVX, string stores,
 * lock prefixes, segment overrides) takes the general path: open, TF,
 * single-step.  The decoded address must match the faulting one or the
 * store is not emulated.
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

void rt_emulate_atfork_child(void)
{
    if (!emulate_off)
        mem_open();
}

int rt_mem_enabled(void)
{
    return emulate_off == 0 && mem_open() >= 0;
}

/* Write into our own memory past any page protection (the kernel does it
 * for us through /proc/self/mem).  0, or -1: not written. */
int rt_mem_write(uintptr_t addr, const void *buf, size_t n)
{
    int fd = mem_open();
    return fd >= 0 && pwrite(fd, buf, n, (off_t)addr) == (ssize_t)n ? 0 : -1;
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

/* Returns 1 if the store was done and the PC moved past it; *ea and *size
 * say what was written.  0: not a store we emulate, nothing changed. */
int rt_emulate_store(void *ucv, uintptr_t fault, uintptr_t *ea_out, size_t *size_out)
{
    ucontext_t *uc = ucv;
    if (emulate_off != 0)
        return 0;
    const unsigned char *ip = (const unsigned char *)uc->uc_mcontext.gregs[REG_RIP];
    const unsigned char *p = ip;
    int opsize16 = 0, rex = 0;

    for (;; p++) {           /* legacy prefixes: only 66 is ours */
        if (*p == 0x66)
            opsize16 = 1;
        else
            break;
        if (p - ip > 4)
            return 0;
    }
    if ((*p & 0xF0) == 0x40)
        rex = *p++;
    int w = (rex >> 3) & 1, r = (rex >> 2) & 1, x = (rex >> 1) & 1, b = rex & 1;
    unsigned op = *p++;
    if (op != 0x88 && op != 0x89 && op != 0xC6 && op != 0xC7)
        return 0;
    unsigned modrm = *p++;
    unsigned mod = modrm >> 6, regf = (modrm >> 3) & 7, rm = modrm & 7;
    if (mod == 3)
        return 0;
    if ((op == 0xC6 || op == 0xC7) && regf != 0)
        return 0;

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

    size_t size = (op == 0x88 || op == 0xC6) ? 1 : w ? 8 : opsize16 ? 2 : 4;
    uint64_t value;
    if (op == 0x88 || op == 0x89) {
        int src = (int)(regf | (r << 3));
        if (size == 1 && !rex && regf >= 4)
            value = (reg(uc, regf - 4) >> 8) & 0xFF;   /* AH, CH, DH, BH */
        else
            value = reg(uc, src);
    } else if (op == 0xC6) {
        value = *p++;
    } else if (size == 2) {
        uint16_t v16;
        memcpy(&v16, p, 2);
        p += 2;
        value = v16;
    } else {
        int32_t v32;
        memcpy(&v32, p, 4);
        p += 4;
        value = (uint64_t)(int64_t)v32;
    }
    if (rip_rel)
        ea += (uint64_t)(uintptr_t)p;   /* relative to the next instruction (immediates included) */

    /* the decoded store must be the one that faulted */
    if (!(fault >= ea && fault < ea + size))
        return 0;
    if (rt_mem_write((uintptr_t)ea, &value, size) != 0)
        return 0;
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)p;
    *ea_out = (uintptr_t)ea;
    *size_out = size;
    return 1;
}
