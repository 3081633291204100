/*
 * rt_mem.c -- memory, locks and logging that are safe in a stopped process
 * and inside signal handlers: mmap instead of malloc, bounded try-locks,
 * write(2) instead of stdio.
 */
#include "rt_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARENA_CHUNK (1u << 20)

struct arena_chunk {
    char *base;
    size_t size;
    _Atomic size_t used;
};

static struct arena_chunk *_Atomic arena_cur;

/* The first chunk is in .bss, not a mapping of its own: each fork of a fork
 * server copies and tears down every mapping of the process (about 1.4 us a
 * mapping here).  Its untouched pages cost nothing. */
static _Alignas(4096) char first_chunk[ARENA_CHUNK];
static _Atomic int first_chunk_taken;

static void *map_zeroed(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Freed blocks, by power-of-two size class (16 B .. 128 KiB); a block
 * comes back zeroed.  Only registration-time memory is freed (by
 * polus_rt_unload, with every thread stopped), but rt_alloc runs in signal
 * handlers too: the lists are taken with a try-lock, and a busy lock means
 * a fresh block (or, freeing, a block kept). */
#define FREE_CLASSES 14
static void *free_lists[FREE_CLASSES];
static atomic_int free_lock;
static _Atomic long in_use;         /* for the status: flat over apply/rollback cycles? */

long rt_mem_in_use(void)
{
    return atomic_load(&in_use);
}

static int size_class(size_t n);

size_t rt_alloc_size(size_t n)
{
    int c = size_class(n);
    return c < FREE_CLASSES ? (size_t)16 << c : n;
}

static int size_class(size_t n)
{
    int c = 0;
    while (c < FREE_CLASSES && ((size_t)16 << c) < n)
        c++;
    return c;
}

static void *take_freed(size_t n)
{
    int c = size_class(n);
    if (c >= FREE_CLASSES || !rt_trylock(&free_lock))
        return NULL;
    void *p = free_lists[c];
    if (p)
        free_lists[c] = *(void **)p;
    rt_unlock(&free_lock);
    if (p)
        memset(p, 0, (size_t)16 << c);
    return p;
}

void rt_free(void *p, size_t n)
{
    int c = size_class(n);
    if (!p || c >= FREE_CLASSES || !rt_trylock(&free_lock))
        return;
    *(void **)p = free_lists[c];
    free_lists[c] = p;
    rt_unlock(&free_lock);
    atomic_fetch_sub(&in_use, (long)((size_t)16 << c));
}

/* Bump allocator, lock-free: any thread, any signal handler.  Big requests
 * get their own mapping.  Blocks freed by rt_free are used first. */
void *rt_alloc(size_t n)
{
    int c = size_class(n);
    if (c < FREE_CLASSES) {
        /* whole size classes: what rt_free gives back fits the next request */
        n = (size_t)16 << c;
        atomic_fetch_add(&in_use, (long)n);
        void *p = take_freed(n);
        if (p)
            return p;
    } else {
        atomic_fetch_add(&in_use, (long)n);
    }
    n = (n + 15) & ~(size_t)15;
    if (n > ARENA_CHUNK / 4)
        return map_zeroed((n + rt_pagesize - 1) & ~(rt_pagesize - 1));
    for (;;) {
        struct arena_chunk *c = atomic_load(&arena_cur);
        if (c) {
            size_t off = atomic_fetch_add(&c->used, n);
            if (off + n <= c->size)
                return c->base + off;
        }
        /* chunk full (or none): take the static one the first time, then
         * map a new one, and try to publish it */
        char *mem = atomic_exchange(&first_chunk_taken, 1) ? map_zeroed(ARENA_CHUNK) : first_chunk;
        if (!mem)
            return NULL;
        struct arena_chunk *nc = (struct arena_chunk *)mem;
        nc->base = mem;
        nc->size = ARENA_CHUNK;
        atomic_store(&nc->used, (sizeof *nc + 15) & ~(size_t)15);
        if (!atomic_compare_exchange_strong(&arena_cur, &c, nc)) {
            if (mem == first_chunk)     /* someone else published one first */
                atomic_store(&first_chunk_taken, 0);
            else
                munmap(mem, ARENA_CHUNK);
        }
    }
}

char *rt_strdup(const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s) + 1;
    char *d = rt_alloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Grow a registration-time array (only the injector's thread touches
 * these, so the old one can go back at once). */
int rt_grow(void **arr, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return 0;
    int ncap = *cap ? *cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    void *n = rt_alloc((size_t)ncap * elem);
    if (!n)
        return -1;
    if (*arr) {
        memcpy(n, *arr, (size_t)*cap * elem);
        rt_free(*arr, (size_t)*cap * elem);
    }
    *arr = n;
    *cap = ncap;
    return 0;
}

/* A spinlock that gives up: a stopped thread may hold it forever. */
int rt_trylock(atomic_int *lock)
{
    for (long spins = 0; spins < 2000000L; spins++) {   /* well under a second */
        int expected = 0;
        if (atomic_compare_exchange_weak(lock, &expected, 1))
            return 1;
        if ((spins & 1023) == 1023)
            sched_yield();
        else
            __builtin_ia32_pause();
    }
    atomic_fetch_add(&rt_counters.lock_timeouts, 1);
    return 0;
}

void rt_unlock(atomic_int *lock)
{
    atomic_store(lock, 0);
}

/* Cached per thread: the fault path asked twice per fault, a system call
 * each time.  A fork child's thread forgets it (rt_gettid_atfork_child). */
static RT_TLS long tid_cache;

long rt_gettid(void)
{
    long t = tid_cache;
    if (t == 0)
        tid_cache = t = syscall(SYS_gettid);
    return t;
}

void rt_gettid_atfork_child(void)
{
    if (tid_cache)
        tid_cache = 0;
}

static int log_fd = -1;

static int log_open(void)
{
    if (log_fd >= 0)
        return log_fd;
    const char *path = getenv("POLUS_LOG");
    int fd = 2;
    if (path && *path) {
        int f = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (f >= 0)
            fd = f;
    }
    log_fd = fd;
    return fd;
}

static void log_v(const char *fmt, va_list ap)
{
    char buf[1024];
    int saved = errno;
    int n = snprintf(buf, sizeof buf, "polus[%d]: ", (int)getpid());
    int m = vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
    if (m < 0)
        m = 0;
    size_t len = (size_t)n + ((size_t)m < sizeof buf - (size_t)n - 1 ? (size_t)m : sizeof buf - (size_t)n - 2);
    if (len == 0 || buf[len - 1] != '\n')
        buf[len++] = '\n';
    ssize_t w = write(log_open(), buf, len);
    (void)w;
    errno = saved;
}

void rt_logf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_v(fmt, ap);
    va_end(ap);
}

POLUS_EXPORT void polus_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_v(fmt, ap);
    va_end(ap);
}
