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
#include "rt_insn.h"

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
 * say what was written.  0: not a store we emulate, nothing changed; -1:
 * another thread is inside an emulated store, let this one fault again. */
int rt_emulate_store(void *ucv, uintptr_t fault, uintptr_t *ea_out, size_t *size_out)
{
    ucontext_t *uc = ucv;
    struct insn in;
    if (emulate_off != 0 || !rt_insn_decode((const unsigned char *)uc->uc_mcontext.gregs[REG_RIP], &in))
        return 0;
    if (in.kind == INSN_SSE && !uc->uc_mcontext.fpregs)
        return 0;
    uint64_t ea = rt_insn_ea(&in, uc);
    /* the decoded store must be the one that faulted */
    if (!(fault >= ea && fault < ea + in.size))
        return 0;
    /* Every emulated read-modify-write or plain store runs under one lock:
     * all writes to a protected page come here, so a locked instruction
     * done here is atomic against every other write to its address (loads
     * see the old or new value).  An SSE store writes without it. */
    int locked = in.kind == INSN_SSE ? 1 : emu_lock();
    if (locked <= 0)
        return locked;
    int done = rt_insn_execute(&in, uc, ea, rt_mem_write);
    if (in.kind != INSN_SSE)
        emu_unlock();
    if (!done)
        return 0;
    *ea_out = (uintptr_t)ea;
    *size_out = in.size;
    return 1;
}
