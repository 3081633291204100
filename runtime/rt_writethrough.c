/*
 * rt_writethrough.c -- bidirectional write-through (paper section 3.2.1).
 *
 * Both copies of every changed global (and of every heap pair) that some
 * function writes are kept read-only.  A write into one faults (SIGSEGV,
 * SEGV_ACCERR).  Two ways on from there:
 *
 *  - emulated (most writes): the faulting instruction is a plain store, a
 *    read-modify-write without lock prefix or an SSE store; the handler
 *    does it for this thread alone through /proc/self/mem, moves the PC on
 *    and synchronizes at once (rt_emulate.c).  No page is ever opened.
 *  - general (anything else: lock-prefixed, AVX, string stores, or
 *    POLUS_NO_EMULATE=1): the handler makes the page writable and sets the
 *    trap flag in the saved context, so the faulting instruction runs once
 *    and the CPU traps (SIGTRAP).  The trap handler clears TF, re-protects
 *    the page first, then synchronizes.
 *
 * Synchronizing runs the generated sync function into a copy of the
 * destination and writes back the bytes it changed through /proc/self/mem
 * (without /proc/self/mem, or for a copy bigger than the scratch buffer: with
 * the destination pages opened around the call).  A destination that is the
 * source of another live item (a chain v0 -> v1 -> v2) is carried on.
 *
 * Windows and snapshots.  mprotect is per page and per process: while one
 * thread has a page open, other threads write to it without a fault.  So
 * every page is copied (snapshot) before it is opened, and after it is
 * re-protected the live copies whose bytes on it changed are the ones
 * synchronized -- the faulting thread's write and any write another thread
 * slipped in.  That write is carried across late, outside the lock its
 * writer held: with a window open, mutex-protected updates of another live
 * copy on the page can be lost (measured: an unlocked `lock add` next to a
 * tracked global).  That is why the common stores are emulated.
 *
 * False sharing: a fault on a protected page outside every live copy is let
 * through the same way and nothing is synchronized (counted).
 *
 * Kernel writes: a system call that writes into a protected page (read(2)
 * into a tracked global buffer) does not fault in user space -- it fails
 * with EFAULT and the program sees an error.  This cannot be caught here;
 * status reports it as a hazard together with the number of protected pages.
 *
 * Faults that are not ours go to the handler the program had when we were
 * installed (or installed later: rt_check_handlers takes ours back and
 * chains to theirs); SIG_DFL restores the default and lets the fault happen
 * again, so the process dies as it would have.
 *
 * fork: the child inherits protections and handlers, so it keeps working; a
 * window that another parent thread had open at fork time has no thread to
 * close it in the child: rt_wt_atfork_child finishes it.
 */
#include "rt_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define TF_FLAG 0x100
#define SLOT_SNAPS 16
#define SLOT_OPEN 32
#define SLOT_SCRATCH (1u << 17)
#define SLOT_WORK 128
#define SLOT_VISITED 64
#define MAX_SLOTS 1024

struct wt_work {
    struct rt_item *item;
    int side;            /* the side that was written */
};

/* An open window: pages [lo, hi) made writable by this thread, with a copy
 * of the page taken just before (snap >= 0) when it is a single page and a
 * buffer was free; without one, every live copy on it counts as changed. */
struct wt_open {
    uintptr_t lo, hi;
    int snap;
    unsigned long seq;      /* write_seq when it was opened */
};

/* Per-thread state while a write (or an injector-side sync) is in flight. */
struct wt_slot {
    _Atomic long owner;                 /* tid, 0 = free */
    int trap_pending;                   /* TF set by us, single-step not seen yet */
    int nopen, nsnap;
    struct wt_open open[SLOT_OPEN];
    int nwork;
    struct wt_work work[SLOT_WORK];
    int nvisited;
    struct rt_item *visited[SLOT_VISITED];
    unsigned char *snap;                /* SLOT_SNAPS pages */
    unsigned char *scratch;             /* SLOT_SCRATCH bytes: a destination, before and after */
};

static struct wt_slot *_Atomic slots[MAX_SLOTS];
static RT_TLS struct wt_slot *tls_slot;
static RT_TLS int tls_in_sync;

static struct rt_rtable *_Atomic rt_table;
static _Atomic unsigned long write_seq;   /* orders the writes being carried across */
atomic_int rt_region_lock;
_Atomic int rt_pending_heap;

static struct sigaction saved_segv, saved_trap;
static _Atomic int handlers_installed;

int rt_in_sync(void)
{
    return tls_in_sync > 0;
}

/* ---------------------------------------------------------------- slots */

static struct wt_slot *slot_get(void)
{
    if (tls_slot)
        return tls_slot;
    long tid = rt_gettid();
    for (int i = 0; i < MAX_SLOTS; i++) {
        struct wt_slot *s = atomic_load(&slots[i]);
        if (!s) {
            struct wt_slot *n = rt_alloc(sizeof *n);
            unsigned char *snap = rt_alloc(SLOT_SNAPS * rt_pagesize);
            unsigned char *scratch = rt_alloc(SLOT_SCRATCH);
            if (!n || !snap || !scratch)
                return NULL;
            n->snap = snap;
            n->scratch = scratch;
            struct wt_slot *expected = NULL;
            if (!atomic_compare_exchange_strong(&slots[i], &expected, n))
                s = expected;   /* lost the race: use theirs (ours leaks) */
            else
                s = n;
        }
        long free_ = 0;
        if (atomic_compare_exchange_strong(&s->owner, &free_, tid)) {
            s->trap_pending = 0;
            s->nopen = 0;
            s->nsnap = 0;
            s->nwork = 0;
            s->nvisited = 0;
            tls_slot = s;
            return s;
        }
    }
    return NULL;
}

/* The per-thread slots' memory: one slot per thread that was ever inside
 * the fault handler at the same time as others, kept for the process's
 * life (bounded by its number of threads). */
size_t rt_wt_slots_bytes(int *count)
{
    int n = 0;
    for (int i = 0; i < MAX_SLOTS; i++)
        if (atomic_load(&slots[i]))
            n++;
    if (count)
        *count = n;
    return (size_t)n * (rt_alloc_size(sizeof(struct wt_slot)) + rt_alloc_size(SLOT_SNAPS * rt_pagesize)
                        + rt_alloc_size(SLOT_SCRATCH));
}

/* Is some thread in the middle of a store we carry (inside the fault
 * handler, or in a single-step window)?  The injector stops threads anywhere,
 * also between the read and the write of an emulated lock cmpxchg: the pages
 * of such a store must stay protected until it is done, or a native atomic on
 * the page, writable again, would slip in between and be lost (seen: a
 * semaphore beside a changed global lost a post). */
int rt_wt_busy(void)
{
    for (int i = 0; i < MAX_SLOTS; i++) {
        struct wt_slot *s = atomic_load(&slots[i]);
        if (s && atomic_load(&s->owner) != 0)
            return 1;
    }
    return 0;
}

static void slot_release(struct wt_slot *s)
{
    if (!s || s != tls_slot || s->nopen || s->trap_pending || s->nwork)
        return;
    tls_slot = NULL;
    atomic_store(&s->owner, 0);
}

/* ------------------------------------------------------------ regions */

static int region_first(const struct rt_rtable *t, uintptr_t from)
{
    /* first region whose start >= from - maxlen: earlier ones end before `from` */
    uintptr_t lo_start = from > t->maxlen ? from - t->maxlen : 0;
    int lo = 0, hi = t->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (t->r[mid].start < lo_start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Does any copy overlap [lo, hi)?  live: only copies in write-through. */
static int range_has_region(const struct rt_rtable *t, uintptr_t lo, uintptr_t hi, int live)
{
    if (!t)
        return 0;
    for (int i = region_first(t, lo); i < t->n && t->r[i].start < hi; i++) {
        const struct rt_region *r = &t->r[i];
        if (r->end <= lo)
            continue;
        if (!live || atomic_load(&r->item->state) == IS_SYNCED)
            return 1;
    }
    return 0;
}

static uintptr_t page_of(uintptr_t a)
{
    return a & ~(uintptr_t)(rt_pagesize - 1);
}

static int page_wanted(const struct rt_rtable *t, uintptr_t pg)
{
    return range_has_region(t, pg, pg + rt_pagesize, 1);
}

/* A tracked page to what it must be now: read-only while a live copy is on
 * it, writable otherwise.  Pages we do not track are left alone. */
static void set_page_prot(const struct rt_rtable *t, uintptr_t pg)
{
    if (!range_has_region(t, pg, pg + rt_pagesize, 0))
        return;
    int prot = page_wanted(t, pg) ? PROT_READ : PROT_READ | PROT_WRITE;
    mprotect((void *)pg, rt_pagesize, prot);
}

static void sort_regions(struct rt_region *r, int n)
{
    /* shell sort: no malloc (qsort may allocate) */
    for (int gap = n / 2; gap > 0; gap /= 2)
        for (int i = gap; i < n; i++) {
            struct rt_region tmp = r[i];
            int j = i;
            while (j >= gap && r[j - gap].start > tmp.start) {
                r[j] = r[j - gap];
                j -= gap;
            }
            r[j] = tmp;
        }
}

/* Publish a new table of every tracked copy (any state: a retired copy's
 * page may still be protected for a moment and its faults are ours).
 * Old tables are never freed: a handler may still be reading one. */
int rt_rebuild_regions(void)
{
    if (!rt_trylock(&rt_region_lock))
        return -1;
    int nitems = atomic_load(&rt_nitems);
    int count = 0;
    for (int i = 0; i < nitems; i++) {
        struct rt_item *it = rt_item_at(i);
        if (!it || !atomic_load(&it->ready) || (it->flags & POLUS_DATA_READONLY))
            continue;
        for (int s = 0; s < 2; s++)
            if (it->addr[s] && it->size[s])
                count++;
    }
    size_t bytes = sizeof(struct rt_rtable) + (size_t)count * sizeof(struct rt_region);
    struct rt_rtable *t = rt_alloc(bytes);
    if (!t) {
        rt_unlock(&rt_region_lock);
        return -1;
    }
    int n = 0;
    size_t maxlen = 0;
    for (int i = 0; i < nitems && n < count; i++) {
        struct rt_item *it = rt_item_at(i);
        if (!it || !atomic_load(&it->ready) || (it->flags & POLUS_DATA_READONLY))
            continue;
        for (int s = 0; s < 2 && n < count; s++) {
            if (!it->addr[s] || !it->size[s])
                continue;
            t->r[n].start = (uintptr_t)it->addr[s];
            t->r[n].end = (uintptr_t)it->addr[s] + it->size[s];
            t->r[n].item = it;
            t->r[n].side = s;
            if (it->size[s] > maxlen)
                maxlen = it->size[s];
            n++;
        }
    }
    sort_regions(t->r, n);
    t->n = n;
    t->maxlen = maxlen;
    t->bytes = bytes;
    /* a handler may still be reading the table this one replaces: it is
     * kept until polus_rt_reclaim knows no thread is in the runtime */
    t->superseded = atomic_load(&rt_table);
    atomic_store(&rt_table, t);
    rt_unlock(&rt_region_lock);
    return 0;
}

long rt_superseded_bytes(void)
{
    long n = 0;
    const struct rt_rtable *t = atomic_load(&rt_table);
    for (t = t ? t->superseded : NULL; t; t = t->superseded)
        n += (long)t->bytes;
    return n;
}

long rt_free_superseded_tables(void)
{
    if (!rt_trylock(&rt_region_lock))
        return -1;
    struct rt_rtable *t = atomic_load(&rt_table);
    struct rt_rtable *old = t ? t->superseded : NULL;
    if (t)
        t->superseded = NULL;
    rt_unlock(&rt_region_lock);
    long freed = 0;
    while (old) {
        struct rt_rtable *next = old->superseded;
        freed += (long)old->bytes;
        rt_free(old, old->bytes);
        old = next;
    }
    return freed;
}

void rt_protect_item(struct rt_item *it)
{
    const struct rt_rtable *t = atomic_load(&rt_table);
    if (it->flags & POLUS_DATA_READONLY)
        return;
    for (int s = 0; s < 2; s++) {
        if (!it->addr[s] || !it->size[s])
            continue;
        uintptr_t a = (uintptr_t)it->addr[s];
        for (uintptr_t pg = page_of(a); pg < a + it->size[s]; pg += rt_pagesize)
            set_page_prot(t, pg);
    }
}

unsigned long rt_protected_pages(void)
{
    const struct rt_rtable *t = atomic_load(&rt_table);
    if (!t)
        return 0;
    unsigned long n = 0;
    uintptr_t last = 0;
    int any = 0;
    for (int i = 0; i < t->n; i++) {
        const struct rt_region *r = &t->r[i];
        if (atomic_load(&r->item->state) != IS_SYNCED)
            continue;
        for (uintptr_t pg = page_of(r->start); pg < r->end; pg += rt_pagesize) {
            if (any && pg <= last)
                continue;   /* sorted by start: pages only grow, except overlaps */
            n++;
            last = pg;
            any = 1;
        }
    }
    return n;
}

/* ------------------------------------------------------------ windows */

static void open_range(struct wt_slot *s, uintptr_t lo, uintptr_t hi)
{
    int i;
    for (i = 0; i < s->nopen; i++)
        if (s->open[i].lo == lo && s->open[i].hi == hi)
            break;   /* open again (re-protected meanwhile): keep the older copy */
    if (i == s->nopen) {
        if (s->nopen == SLOT_OPEN) {
            rt_logf("write-through: thread %ld has %d windows open; %#lx left writable",
                    rt_gettid(), SLOT_OPEN, (unsigned long)lo);
        } else {
            struct wt_open *o = &s->open[s->nopen++];
            o->lo = lo;
            o->hi = hi;
            o->snap = -1;
            o->seq = atomic_load(&write_seq);
            if (hi - lo == rt_pagesize && s->nsnap < SLOT_SNAPS) {
                o->snap = s->nsnap++;
                memcpy(s->snap + (size_t)o->snap * rt_pagesize, (const void *)lo, rt_pagesize);
            }
        }
    }
    mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE);
}

static void open_page(struct wt_slot *s, uintptr_t pg)
{
    open_range(s, pg, pg + rt_pagesize);
}

static int visited(struct wt_slot *s, struct rt_item *it)
{
    for (int i = 0; i < s->nvisited; i++)
        if (s->visited[i] == it)
            return 1;
    return 0;
}

static void push_work(struct wt_slot *s, struct rt_item *it, int side)
{
    if (visited(s, it))
        return;
    for (int i = 0; i < s->nwork; i++)
        if (s->work[i].item == it && s->work[i].side == side)
            return;
    if (s->nwork < SLOT_WORK) {
        s->work[s->nwork].item = it;
        s->work[s->nwork].side = side;
        s->nwork++;
    } else {
        rt_logf("write-through: work list full, a write to %s is not carried across", it->name);
    }
}

/* This thread carries the write of `it` across: a window closing elsewhere
 * that sees the copy change leaves it to us (it would carry it late, outside
 * the writer's lock, possibly over a newer value). */
static void claim(struct wt_slot *s, struct rt_item *it)
{
    atomic_store(&it->last_writer, (void *)s);
    atomic_store(&it->last_write, atomic_fetch_add(&write_seq, 1) + 1);
}

/* Did another thread take charge of `it` since `seq`? */
static int claimed_elsewhere(struct wt_slot *s, struct rt_item *it, unsigned long seq)
{
    return atomic_load(&it->last_write) > seq && atomic_load(&it->last_writer) != (void *)s;
}

/* Re-protect every open page first, then queue the live copies whose bytes
 * on those pages changed since the page was opened. */
static void close_pages(struct wt_slot *s)
{
    const struct rt_rtable *t = atomic_load(&rt_table);
    int n = s->nopen;
    struct wt_open open[SLOT_OPEN];
    memcpy(open, s->open, (size_t)n * sizeof open[0]);
    s->nopen = 0;
    s->nsnap = 0;
    for (int i = 0; i < n; i++)
        for (uintptr_t pg = open[i].lo; pg < open[i].hi; pg += rt_pagesize)
            set_page_prot(t, pg);
    if (!t)
        return;
    for (int i = 0; i < n; i++) {
        uintptr_t lo_w = open[i].lo, hi_w = open[i].hi;
        const unsigned char *snap = open[i].snap >= 0 ? s->snap + (size_t)open[i].snap * rt_pagesize : NULL;
        for (int k = region_first(t, lo_w); k < t->n && t->r[k].start < hi_w; k++) {
            const struct rt_region *r = &t->r[k];
            if (r->end <= lo_w || atomic_load(&r->item->state) != IS_SYNCED)
                continue;
            uintptr_t lo = r->start > lo_w ? r->start : lo_w;
            uintptr_t hi = r->end < hi_w ? r->end : hi_w;
            if ((!snap || memcmp((const void *)lo, snap + (lo - lo_w), hi - lo) != 0) &&
                !claimed_elsewhere(s, r->item, open[i].seq))
                push_work(s, r->item, r->side);
        }
    }
}

/* Run the sync into a copy of the destination and write back only the
 * bytes it changed, through /proc/self/mem: the destination's pages are
 * never opened, so no other thread can write them unseen meanwhile.  The
 * live copies those bytes belong to (a chain) are queued.  0: done; -1:
 * not possible here (too big, no /proc/self/mem), nothing was done. */
static int sync_through_mem(struct wt_slot *s, struct rt_item *it, int dst, polus_sync_fn fn)
{
    size_t size = it->size[dst];
    int fd = 2 * size > SLOT_SCRATCH ? -1 : rt_mem_fd();
    if (fd < 0)
        return -1;
    unsigned char *before = s->scratch, *after = s->scratch + size;
    uintptr_t a = (uintptr_t)it->addr[dst];
    memcpy(before, (const void *)a, size);
    memcpy(after, before, size);
    fn(after, it->addr[1 - dst]);
    const struct rt_rtable *t = atomic_load(&rt_table);
    for (size_t i = 0; i < size;) {
        if (before[i] == after[i]) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < size && before[j] != after[j])
            j++;
        if (rt_mem_pwrite(fd, a + i, after + i, j - i) != 0)
            rt_logf("write-through: cannot write %zu bytes of %s", j - i, it->name);
        for (int k = t ? region_first(t, a + i) : 0; t && k < t->n && t->r[k].start < a + j; k++) {
            const struct rt_region *r = &t->r[k];
            if (r->end > a + i && r->item != it && atomic_load(&r->item->state) == IS_SYNCED) {
                claim(s, r->item);
                push_work(s, r->item, r->side);
            }
        }
        i = j;
    }
    return 0;
}

/* Run one sync function: bring side `dst` of `it` up to date from the other
 * side -- through a copy (above) or, failing that, with the destination
 * pages open (snapshot first) -- then close whatever it had to open. */
static void sync_one(struct wt_slot *s, struct rt_item *it, int dst)
{
    int src = 1 - dst;
    polus_sync_fn fn = it->into[dst];
    if (s->nvisited < SLOT_VISITED)
        s->visited[s->nvisited++] = it;
    if (!fn || !it->addr[dst] || !it->addr[src])
        return;
    claim(s, it);
    int saved_patch = rt_tls_patch;
    rt_tls_patch = it->patch + 1;
    tls_in_sync++;
    if (sync_through_mem(s, it, dst, fn) != 0) {
        uintptr_t a = (uintptr_t)it->addr[dst];
        uintptr_t lo = page_of(a), hi = page_of(a + it->size[dst] - 1) + rt_pagesize;
        size_t npages = (hi - lo) / rt_pagesize;
        if (npages <= (size_t)(SLOT_SNAPS - s->nsnap) && npages <= (size_t)(SLOT_OPEN - s->nopen))
            for (uintptr_t pg = lo; pg < hi; pg += rt_pagesize)
                open_page(s, pg);   /* each page with its copy */
        else
            open_range(s, lo, hi);  /* a big copy: one window, no copies */
        fn(it->addr[dst], it->addr[src]);
    }
    tls_in_sync--;
    rt_tls_patch = saved_patch;
    atomic_fetch_add(&it->syncs, 1);
    atomic_fetch_add(&rt_counters.syncs, 1);
    close_pages(s);   /* windows the sync opened: its own, or heap pages it wrote */
}

/* Carry every queued write across, following chains. */
static void drain(struct wt_slot *s)
{
    while (s->nwork > 0) {
        struct wt_work w = s->work[--s->nwork];
        if (visited(s, w.item) || atomic_load(&w.item->state) != IS_SYNCED)
            continue;
        sync_one(s, w.item, 1 - w.side);
    }
}

/* Injector side (activate, rollback) and heap registration: one sync plus
 * whatever it must be carried on to. */
void rt_sync_item(struct rt_item *it, int dst_side)
{
    struct wt_slot *s = slot_get();
    if (!s) {
        /* no slot: run it bare (no propagation) */
        if (it->into[dst_side])
            it->into[dst_side](it->addr[dst_side], it->addr[1 - dst_side]);
        return;
    }
    int outer = s->nvisited == 0 && s->nwork == 0 && s->nopen == 0 && !s->trap_pending;
    if (outer)
        s->nvisited = 0;
    sync_one(s, it, dst_side);
    drain(s);
    if (outer) {
        s->nvisited = 0;
        slot_release(s);
    }
}

/* Heap pairs registered by sync code (tls_in_sync) wait here until the
 * sync that found them is over; then they are copied and protected. */
void rt_sync_pending(void)
{
    while (atomic_load(&rt_pending_heap) > 0) {
        int did = 0;
        int nitems = atomic_load(&rt_nitems);
        for (int i = 0; i < nitems; i++) {
            struct rt_item *it = rt_item_at(i);
            if (!it || !atomic_load(&it->ready) || !(it->flags & POLUS_DATA_HEAP) || (it->flags & RT_ITEM_DEAD))
                continue;
            struct rt_patch *p = rt_patch_get(it->patch);
            if (!p || (p->state != PS_ACTIVE && p->state != PS_TERMINATED && p->state != PS_ROLLING_BACK))
                continue;
            int expected = IS_NEW;
            if (!atomic_compare_exchange_strong(&it->state, &expected, IS_SYNCED))
                continue;
            atomic_fetch_sub(&rt_pending_heap, 1);
            rt_rebuild_regions();
            rt_sync_item(it, SIDE_NEW);
            rt_protect_item(it);
            did = 1;
        }
        if (!did)
            break;
    }
}

/* ------------------------------------------------------------ handlers */

/* The mask the kernel would have given the program's handler: the one at
 * the fault, plus its sa_mask, plus the signal unless SA_NODEFER. */
static void mask_for(const struct sigaction *old, int sig, const ucontext_t *uc, sigset_t *prev)
{
    sigset_t m = uc->uc_sigmask;
    sigorset(&m, &m, &old->sa_mask);
    if (!(old->sa_flags & SA_NODEFER))
        sigaddset(&m, sig);
    pthread_sigmask(SIG_SETMASK, &m, prev);
}

static void chain(struct sigaction *old, int sig, siginfo_t *si, void *uc)
{
    atomic_fetch_add(&rt_counters.chained_faults, 1);
    if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
        void (*h)(int, siginfo_t *, void *) = old->sa_sigaction;
        sigset_t prev;
        mask_for(old, sig, uc, &prev);
        if (old->sa_flags & SA_RESETHAND)
            old->sa_handler = SIG_DFL, old->sa_flags &= ~SA_SIGINFO;
        h(sig, si, uc);
        pthread_sigmask(SIG_SETMASK, &prev, NULL);
        return;
    }
    if (old->sa_handler == SIG_IGN) {
        if (sig == SIGSEGV && si->si_code > 0)
            goto dfl;   /* an ignored synchronous fault kills anyway */
        return;
    }
    if (old->sa_handler != SIG_DFL) {
        void (*h)(int) = old->sa_handler;
        sigset_t prev;
        mask_for(old, sig, uc, &prev);
        if (old->sa_flags & SA_RESETHAND)
            old->sa_handler = SIG_DFL;
        h(sig);
        pthread_sigmask(SIG_SETMASK, &prev, NULL);
        return;
    }
dfl:;
    /* the program had the default: restore it and let the signal happen
     * again, so the process dies exactly as it would have */
    struct sigaction d;
    memset(&d, 0, sizeof d);
    d.sa_handler = SIG_DFL;
    sigemptyset(&d.sa_mask);
    sigaction(sig, &d, NULL);
    if (!(sig == SIGSEGV && si->si_code > 0))
        raise(sig);   /* delivered when this handler returns */
    /* a real fault: returning re-runs the instruction, which faults again */
}

/* Our handlers run with every signal blocked (fill_action); sync code may
 * fault in turn (a heap counterpart, or a patch's own data, on a protected
 * page), so SIGSEGV alone is let in again before it runs. */
static void allow_sync_faults(void)
{
    sigset_t segv;
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    pthread_sigmask(SIG_UNBLOCK, &segv, NULL);
}

/* Bytes [lo, hi) were just written past the protection (for this thread
 * alone): carry the live copies they belong to across, now. */
static void carry_written(struct wt_slot *s, const struct rt_rtable *t, uintptr_t lo, uintptr_t hi)
{
    s->nvisited = 0;
    for (int k = region_first(t, lo); k < t->n && t->r[k].start < hi; k++) {
        const struct rt_region *r = &t->r[k];
        if (r->end > lo && atomic_load(&r->item->state) == IS_SYNCED) {
            claim(s, r->item);
            push_work(s, r->item, r->side);
        }
    }
    allow_sync_faults();
    drain(s);
    s->nvisited = 0;
    if (atomic_load(&rt_pending_heap) > 0)
        rt_sync_pending();
}

/* A plain store done for this thread alone (rt_emulate.c), then carried
 * across at once, still inside the handler. */
static int emulate(struct wt_slot *s, const struct rt_rtable *t, ucontext_t *uc, uintptr_t a)
{
    uintptr_t ea;
    size_t size;
    int done = rt_emulate_store(uc, a, &ea, &size);
    if (done <= 0)
        return done;        /* -1: another thread is inside a store: fault again later */
    atomic_fetch_add(&rt_counters.emulated_stores, 1);
    if (!range_has_region(t, ea, ea + size, 1)) {
        atomic_fetch_add(&rt_counters.false_sharing, 1);
    } else {
        atomic_fetch_add(&rt_counters.trapped_writes, 1);
        carry_written(s, t, ea, ea + size);
    }
    slot_release(s);
    return 1;
}

/* Is any page of [lo, hi) kept read-only for a live copy? */
int rt_range_protected(uintptr_t lo, uintptr_t hi)
{
    const struct rt_rtable *t = atomic_load(&rt_table);
    if (!t || hi <= lo)
        return 0;
    for (uintptr_t pg = page_of(lo); pg < hi; pg += rt_pagesize)
        if (page_wanted(t, pg))
            return 1;
    return 0;
}

/* memcpy into memory that may be protected, with write-through: what the
 * read(2) hooks do with the bytes the kernel could not write there. */
void rt_store(void *dst, const void *src, size_t n)
{
    const struct rt_rtable *t = atomic_load(&rt_table);
    struct wt_slot *s = slot_get();
    if (!t || !s || s->trap_pending || s->nopen || s->nwork ||
        rt_mem_write((uintptr_t)dst, src, n) != 0) {
        if (s)
            slot_release(s);
        memcpy(dst, src, n);   /* every protected page faults: the handler carries it */
        return;
    }
    if (range_has_region(t, (uintptr_t)dst, (uintptr_t)dst + n, 1))
        carry_written(s, t, (uintptr_t)dst, (uintptr_t)dst + n);
    slot_release(s);
}

/* Pages of the program's own data that an unloaded patch tracked (the old
 * copies of its globals and heap pairs; new copies went with the library).
 * A write fault there with no region on the page is ours: a fault taken
 * before the unload and delivered only now (a thread the injector stopped
 * with the SIGSEGV still queued), or protection left behind.  The page is
 * made writable, as it is wanted, and the store runs again. */
#define GRAVE_MAX 512
static _Atomic uintptr_t graveyard[GRAVE_MAX];

void rt_bury_pages(uintptr_t lo, uintptr_t hi)
{
    for (uintptr_t pg = page_of(lo); pg < hi; pg += rt_pagesize) {
        for (int i = 0; i < GRAVE_MAX; i++) {
            uintptr_t cur = atomic_load(&graveyard[i]);
            if (cur == pg)
                break;
            if (cur == 0 && atomic_compare_exchange_strong(&graveyard[i], &cur, pg))
                break;
        }
    }
}

static int buried(uintptr_t pg)
{
    for (int i = 0; i < GRAVE_MAX; i++) {
        uintptr_t cur = atomic_load(&graveyard[i]);
        if (cur == pg)
            return 1;
        if (cur == 0)
            return 0;
    }
    return 0;
}

/* A fault or trap delivered at the entry of polus_rt_park did not happen
 * there: the thread sat in its delivery stop when the injector parked it
 * for a switch and died, and the kernel delivers the stop's signal as the
 * thread resumes -- during the switch.  Nothing is done now: the park
 * frame's sigreturn puts the thread back at its store, which faults again
 * (a single-step's TF is in that frame too) once the switch is over.
 * Handled here, it opened a window and claimed the write in the middle of
 * the switch (the Fig. 2 campaign lost an increment after a random kill). */
static int delivered_at_park(const ucontext_t *uc)
{
    return uc->uc_mcontext.gregs[REG_RIP] == (greg_t)(uintptr_t)polus_rt_park;
}

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    int saved_errno = errno;
    ucontext_t *uc = ucv;
    if (si->si_code == SEGV_ACCERR) {
        uintptr_t a = (uintptr_t)si->si_addr;
        uintptr_t pg = page_of(a);
        const struct rt_rtable *t = atomic_load(&rt_table);
        if (delivered_at_park(uc) && (range_has_region(t, pg, pg + rt_pagesize, 0) || buried(pg))) {
            errno = saved_errno;
            return;
        }
        if (t && range_has_region(t, pg, pg + rt_pagesize, 0) && !page_wanted(t, pg) && !tls_in_sync) {
            /* the page was made writable again between the fault and now (its
             * data retired while this thread sat stopped with the signal
             * pending): run the store natively.  Emulating it would do a
             * read-then-write beside native atomics of the other threads and
             * lose their updates (seen: a semaphore on the page lost a post). */
            errno = saved_errno;
            return;
        }
        if (t && range_has_region(t, pg, pg + rt_pagesize, 0)) {
            struct wt_slot *s = slot_get();
            if (!s) {
                /* no slot left: let the write through, untracked */
                rt_logf("write-through: no slot for thread %ld, page %#lx left writable",
                        rt_gettid(), (unsigned long)pg);
                mprotect((void *)pg, rt_pagesize, PROT_READ | PROT_WRITE);
                errno = saved_errno;
                return;
            }
            if (tls_in_sync) {
                /* sync code writing into a protected page (a heap counterpart):
                 * open it; it is closed when the sync is over */
                atomic_fetch_add(&rt_counters.sync_faults, 1);
                open_page(s, pg);
                errno = saved_errno;
                return;
            }
            if (!s->trap_pending && s->nopen == 0 && s->nwork == 0) {
                int done = emulate(s, t, uc, a);
                if (done != 0) {
                    if (done < 0)        /* retried when the instruction faults again */
                        slot_release(s);
                    errno = saved_errno;
                    return;
                }
            }
            if (range_has_region(t, a, a + 1, 1)) {
                atomic_fetch_add(&rt_counters.trapped_writes, 1);
                for (int k = region_first(t, a); k < t->n && t->r[k].start <= a; k++)
                    if (t->r[k].end > a && atomic_load(&t->r[k].item->state) == IS_SYNCED)
                        claim(s, t->r[k].item);
            } else
                atomic_fetch_add(&rt_counters.false_sharing, 1);
            open_page(s, pg);
            atomic_fetch_add(&rt_counters.windows, 1);
            s->trap_pending = 1;
            uc->uc_mcontext.gregs[REG_EFL] |= TF_FLAG;
            errno = saved_errno;
            return;
        }
        if (buried(pg)) {
            mprotect((void *)pg, rt_pagesize, PROT_READ | PROT_WRITE);
            errno = saved_errno;
            return;
        }
    }
    chain(&saved_segv, sig, si, ucv);
    errno = saved_errno;
}

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
    int saved_errno = errno;
    ucontext_t *uc = ucv;
    if (delivered_at_park(uc))
        return;
    struct wt_slot *s = tls_slot;
    if (s && s->trap_pending) {
        uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)TF_FLAG;
        s->trap_pending = 0;
        s->nvisited = 0;
        close_pages(s);          /* re-protect first ... */
        allow_sync_faults();
        drain(s);                /* ... then synchronize */
        s->nvisited = 0;
        if (atomic_load(&rt_pending_heap) > 0)
            rt_sync_pending();
        slot_release(s);
        errno = saved_errno;
        return;
    }
    if (si->si_code == TRAP_TRACE && (uc->uc_mcontext.gregs[REG_EFL] & TF_FLAG) &&
        !(saved_trap.sa_flags & SA_SIGINFO) && saved_trap.sa_handler == SIG_DFL) {
        /* a single-step we asked for whose window was closed by a nested
         * fault (a signal handler ran in between): nothing left to do */
        uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)TF_FLAG;
        atomic_fetch_add(&rt_counters.spurious_traps, 1);
        errno = saved_errno;
        return;
    }
    chain(&saved_trap, sig, si, ucv);
    errno = saved_errno;
}

/* Every signal is blocked while our handlers run: the program's own
 * handler for an asynchronous signal (SIGCHLD in a forking server) may write
 * a protected page, and that fault, taken while SIGSEGV is blocked inside
 * ours, would kill the process (the kernel forces a blocked synchronous
 * signal through with the default action).  Sync code that may fault
 * unblocks SIGSEGV alone (carry_written); the program's handlers run later,
 * when ours returns. */
static void fill_action(struct sigaction *sa, void (*h)(int, siginfo_t *, void *))
{
    memset(sa, 0, sizeof *sa);
    sa->sa_sigaction = h;
    sa->sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigfillset(&sa->sa_mask);
}

int rt_install_handlers(void)
{
    if (atomic_load(&handlers_installed))
        return 0;
    rt_emulate_init();
    struct sigaction sa;
    fill_action(&sa, on_segv);
    if (sigaction(SIGSEGV, &sa, &saved_segv) != 0)
        return -1;
    fill_action(&sa, on_trap);
    if (sigaction(SIGTRAP, &sa, &saved_trap) != 0) {
        sigaction(SIGSEGV, &saved_segv, NULL);
        return -1;
    }
    atomic_store(&handlers_installed, 1);
    return 0;
}

int rt_handlers_installed(void)
{
    return atomic_load(&handlers_installed);
}

/* The program may install its own SIGSEGV/SIGTRAP handler after us: take
 * ours back and chain to theirs. */
void rt_check_handlers(void)
{
    if (!atomic_load(&handlers_installed))
        return;
    struct sigaction cur, sa;
    if (sigaction(SIGSEGV, NULL, &cur) == 0 && cur.sa_sigaction != on_segv) {
        fill_action(&sa, on_segv);
        if (sigaction(SIGSEGV, &sa, NULL) == 0) {
            saved_segv = cur;
            atomic_fetch_add(&rt_counters.handler_reinstalls, 1);
        }
    }
    if (sigaction(SIGTRAP, NULL, &cur) == 0 && cur.sa_sigaction != on_trap) {
        fill_action(&sa, on_trap);
        if (sigaction(SIGTRAP, &sa, NULL) == 0) {
            saved_trap = cur;
            atomic_fetch_add(&rt_counters.handler_reinstalls, 1);
        }
    }
}

/* In a fork child only the forking thread exists.  Another parent thread
 * may have been anywhere in a write at fork time -- a page open, a write
 * done but not carried across yet, a page list already cleared but the page
 * not yet re-protected -- and has no thread to finish it here.  So: finish
 * what its slot still records (close its pages, carry changed copies
 * across), free the slot, and then set every tracked page to what it must
 * be.  The child is single-threaded here, so this is safe. */
int rt_wt_atfork_child(void)
{
    /* Nothing is written that is already right: every page the child
     * writes is copied from the parent's, on every fork of a fork server. */
    if (atomic_load(&rt_region_lock))
        atomic_store(&rt_region_lock, 0);
    const struct rt_rtable *t = atomic_load(&rt_table);
    struct wt_slot *mine = tls_slot;
    int reprotect = 0;
    if (mine)
        atomic_store(&mine->owner, rt_gettid());
    for (int i = 0; i < MAX_SLOTS; i++) {
        struct wt_slot *s = atomic_load(&slots[i]);
        if (!s)
            break;
        if (s == mine || atomic_load(&s->owner) == 0)
            continue;
        s->trap_pending = 0;
        s->nvisited = 0;
        tls_slot = s;
        close_pages(s);
        drain(s);
        s->nopen = 0;
        s->nwork = 0;
        atomic_store(&s->owner, 0);
        reprotect = 1;
    }
    if (reprotect)
        tls_slot = mine;
    /* only a window another thread had open leaves a page to set right:
     * a fork server forks often, and a system call per page each time
     * showed in its connection time */
    for (int k = 0; reprotect && t && k < t->n; k++)
        for (uintptr_t pg = page_of(t->r[k].start); pg < t->r[k].end; pg += rt_pagesize)
            set_page_prot(t, pg);
    for (int k = 0; t && k < t->n; k++)
        if (atomic_load(&t->r[k].item->state) != IS_RETIRED)
            return 1;
    return 0;
}
