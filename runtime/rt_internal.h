/*
 * rt_internal.h -- shared state of the runtime library (libpolus_rt.so).
 *
 * Not part of the ABI: only the runtime's own .c files include it; the ABI
 * is polus.h.
 *
 * Ground rules (the injector calls us while every other thread is stopped,
 * and our signal handlers run in any thread at any instruction):
 *   - no malloc: memory comes from an mmap arena (rt_alloc); what an
 *     unloaded patch's records took goes back to size-class free lists
 *     (rt_free) for the next patch;
 *   - no lock that blocks: the two spinlocks below are try-locks with a bound,
 *     so a thread stopped while holding one makes an entry point fail, not hang;
 *   - no stdio: logging formats into a stack buffer and write(2)s it;
 *   - per-thread state is one initial-exec __thread pointer to a slot taken
 *     from a pool, so touching it never allocates (a dlopen'ed library's
 *     dynamic TLS would malloc on first use, inside a signal handler).
 */
#ifndef POLUS_RT_INTERNAL_H
#define POLUS_RT_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "polus.h"

#define RT_HIDDEN __attribute__((visibility("hidden")))
#define RT_TLS __thread __attribute__((tls_model("initial-exec")))

#define RT_MAX_PATCHES 64
#define RT_NAME_MAX 128
#define RT_FN_THREADS 8          /* thread ids remembered per active function (status) */
#define RT_REDIRECT_BYTES 32
#define RT_ITEM_CHUNK 256        /* items are allocated in chunks that never move */
#define RT_ITEM_CHUNKS 4096      /* => at most 1M data items (globals + heap pairs) */

enum rt_patch_state {
    PS_FREE = 0,
    PS_REGISTERING,
    PS_REGISTERED,
    PS_PRE_UPDATED,
    PS_ACTIVE,
    PS_TERMINATED,
    PS_ROLLING_BACK,
    PS_ROLLED_BACK,
    PS_ABORTED,
};

enum rt_item_state {
    IS_NEW = 0,      /* registered, not synchronized yet */
    IS_SYNCED,       /* in bidirectional write-through */
    IS_RETIRED,      /* left write-through (or never entered: readonly, aborted) */
};

enum { SIDE_OLD = 0, SIDE_NEW = 1 };

/* internal item flag (beside POLUS_DATA_*): one of its objects was freed;
 * the pair never comes back (not even when its patch is rolled back) */
#define RT_ITEM_DEAD 0x100u

struct rt_fn {
    const char *name;
    uintptr_t addr;
    size_t size;
    unsigned flags;
    int mapped;          /* old fn: the new fn it is redirected to, or -1 */
    int active;          /* in the latest sample */
    int done;            /* seen inactive once (function callback fired) */
    int nthreads;        /* threads it was active in (latest sample) */
    long tids[RT_FN_THREADS];
};

struct rt_item {
    int patch;
    int id;                       /* per-patch id (globals: manifest order) */
    const char *name;
    void *addr[2];                /* [SIDE_OLD], [SIDE_NEW] */
    size_t size[2];
    polus_sync_fn into[2];        /* into[SIDE_NEW] = old_to_new(new, old); into[SIDE_OLD] = new_to_old(old, new) */
    unsigned flags;
    _Atomic int state;
    _Atomic int ready;            /* fields written; visible to the handlers */
    int *users;                   /* d2f: old function ids using it */
    int nusers, capusers;
    _Atomic unsigned long syncs;  /* sync functions run for it */
    /* the last write some thread is carrying across (rt_writethrough.c):
     * a window that sees this copy change need not carry it itself */
    _Atomic unsigned long last_write;
    void *_Atomic last_writer;
};

struct rt_redirect {
    uintptr_t at;
    uintptr_t target;
    unsigned len;
    unsigned char orig[RT_REDIRECT_BYTES];
    unsigned char code[RT_REDIRECT_BYTES];   /* the jump (given by polus_rt_commit) */
};

/* The journal of the one transaction that runs inside the target: a
 * commit (activate + every jump) or a rollback (sync back + every jump
 * taken back).  Set while its remote call runs; the call finishes on its
 * own if the injector dies, and the next injector sees it in the status. */
struct rt_txn {
    _Atomic int op;          /* RT_TXN_* */
    int patch;
    long tid;
};
enum { RT_TXN_NONE = 0, RT_TXN_COMMIT, RT_TXN_ROLLBACK };

struct rt_patch {
    int state;
    char program[RT_NAME_MAX];
    char name[RT_NAME_MAX];
    int from_version, to_version;
    struct polus_callbacks cb;
    struct rt_fn *oldf; int noldf, capoldf;
    struct rt_fn *newf; int nnewf, capnewf;
    int *data; int ndata, capdata;          /* global item index of each registered global */
    _Atomic int nheap;                      /* heap pairs registered */
    struct rt_redirect *redir; int nredir, capredir;
    long *thread_seen; int nthread_seen, capthread_seen;   /* thread callback fired */
    int post_fired;
    int rollbacks;
    int failed;          /* a registration call failed: polus_end_patch refuses */
};

/* A tracked copy: [start, end) is one side of one item. */
struct rt_region {
    uintptr_t start, end;
    struct rt_item *item;
    int side;
};

struct rt_rtable {
    int n;
    size_t maxlen;
    size_t bytes;                     /* its allocation */
    struct rt_rtable *superseded;     /* the tables before it, until polus_rt_reclaim frees them */
    struct rt_region r[];             /* sorted by start */
};

struct rt_counters {
    _Atomic unsigned long trapped_writes;     /* a write into a tracked copy, carried across */
    _Atomic unsigned long false_sharing;      /* a write on a protected page, outside every live copy */
    _Atomic unsigned long syncs;              /* sync functions run */
    _Atomic unsigned long chained_faults;     /* faults handed to the program's own handler */
    _Atomic unsigned long spurious_traps;     /* single-steps with no write window left open */
    _Atomic unsigned long sync_faults;        /* faults taken by sync code itself (opened, no trap) */
    _Atomic unsigned long handler_reinstalls; /* the program replaced our handler; we took it back */
    _Atomic unsigned long lock_timeouts;      /* a try-lock gave up (a stopped thread holds it) */
    _Atomic unsigned long emulated_stores;    /* faulting stores done for the thread: no window */
    _Atomic unsigned long windows;            /* general path: a page opened for a single-step */
    _Atomic unsigned long heap_freed;         /* heap pairs left write-through because freed */
    _Atomic unsigned long reads_bounced;      /* system calls into protected pages done through bounce buffers */
    _Atomic unsigned long switches_alone;     /* commits/rollbacks finished after the injector died */
    _Atomic unsigned long threads_parked;     /* threads that waited in polus_rt_park for such a switch */
};

/* ---- globals (polus_rt.c) ---- */
extern RT_HIDDEN struct rt_patch rt_patches[RT_MAX_PATCHES];
extern RT_HIDDEN _Atomic int rt_npatches;
extern RT_HIDDEN struct rt_item *_Atomic rt_item_chunks[RT_ITEM_CHUNKS];
extern RT_HIDDEN _Atomic int rt_nitems;
extern RT_HIDDEN struct rt_counters rt_counters;
extern RT_HIDDEN struct rt_txn rt_txn;
extern RT_HIDDEN size_t rt_pagesize;
extern RT_HIDDEN RT_TLS int rt_tls_patch;        /* polus_current_patch() + 1 (0: none) */

RT_HIDDEN struct rt_item *rt_item_at(int index);
RT_HIDDEN struct rt_item *rt_item_new(int patch, int *index_out);
RT_HIDDEN struct rt_patch *rt_patch_get(int id);
RT_HIDDEN const char *rt_patch_state_name(int state);
RT_HIDDEN const char *rt_item_state_name(int state);

/* ---- memory and helpers (rt_mem.c) ---- */
RT_HIDDEN void *rt_alloc(size_t n);                   /* zeroed, 16-aligned */
RT_HIDDEN char *rt_strdup(const char *s);
RT_HIDDEN int rt_grow(void **arr, int *cap, int need, size_t elem);
RT_HIDDEN void rt_free(void *p, size_t n);           /* back for reuse (registration-time memory only) */
RT_HIDDEN long rt_mem_in_use(void);                  /* bytes handed out by rt_alloc and not freed */
RT_HIDDEN size_t rt_alloc_size(size_t n);            /* what rt_alloc(n) takes */
RT_HIDDEN int rt_trylock(atomic_int *lock);          /* 1 = taken; 0 = gave up */
RT_HIDDEN void rt_unlock(atomic_int *lock);
RT_HIDDEN long rt_gettid(void);
RT_HIDDEN void rt_gettid_atfork_child(void);
RT_HIDDEN void rt_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- write-through (rt_writethrough.c) ---- */
RT_HIDDEN int rt_install_handlers(void);
RT_HIDDEN void rt_check_handlers(void);
RT_HIDDEN int rt_handlers_installed(void);
RT_HIDDEN int rt_rebuild_regions(void);              /* 0, or -1 (lock busy / no memory) */
RT_HIDDEN void rt_protect_item(struct rt_item *it);  /* every page of both copies to its wanted state */
RT_HIDDEN void rt_sync_item(struct rt_item *it, int dst_side);   /* run one sync (+ propagation) */
RT_HIDDEN void rt_sync_pending(void);                /* heap pairs registered inside a sync */
RT_HIDDEN unsigned long rt_protected_pages(void);
RT_HIDDEN int rt_wt_atfork_child(void);              /* 1: some data is not retired yet */
RT_HIDDEN int rt_in_sync(void);                      /* this thread is running a sync function */
RT_HIDDEN int rt_wt_busy(void);                      /* a thread is inside a store being carried */
extern RT_HIDDEN atomic_int rt_region_lock;
extern RT_HIDDEN _Atomic int rt_pending_heap;

RT_HIDDEN int rt_range_protected(uintptr_t lo, uintptr_t hi);     /* any live copy's page in it */
RT_HIDDEN long rt_free_superseded_tables(void);                    /* bytes freed, or -1: lock busy */
RT_HIDDEN long rt_superseded_bytes(void);                          /* what that would free */
RT_HIDDEN size_t rt_wt_slots_bytes(int *count);                    /* per-thread slots (count: how many) */
RT_HIDDEN long rt_reclaimable(void);                               /* bytes polus_rt_reclaim would free */
RT_HIDDEN void rt_bury_pages(uintptr_t lo, uintptr_t hi);          /* old-copy pages of an unloaded patch */
RT_HIDDEN void rt_store(void *dst, const void *src, size_t n);     /* write past protection, then sync */

/* ---- the switch as one step (rt_park.c) ---- */
RT_HIDDEN int rt_switch_alone(void);      /* 1: no other thread runs; 0: do nothing */
RT_HIDDEN void rt_switch_hold(void);      /* fault injection: dawdle at a step */
RT_HIDDEN void rt_switch_over(void);      /* the parked threads may go */

/* ---- hooks in the program's GOT: free, read (rt_hooks.c) ---- */
RT_HIDDEN int rt_install_hooks(void);
RT_HIDDEN int rt_hook_count(void);

/* ---- plain stores done without opening the page (rt_emulate.c) ---- */
RT_HIDDEN void rt_emulate_init(void);
RT_HIDDEN void rt_emulate_atfork_child(int tracked);
RT_HIDDEN void rt_emulate_atfork_unlock(void);
RT_HIDDEN int rt_emulate_store(void *ucontext, uintptr_t fault, uintptr_t *ea, size_t *size);  /* 1 done, 0 not emulable, -1 retry */
RT_HIDDEN int rt_mem_enabled(void);
RT_HIDDEN int rt_mem_write(uintptr_t addr, const void *buf, size_t n);
RT_HIDDEN int rt_mem_fd(void);
RT_HIDDEN int rt_mem_pwrite(int fd, uintptr_t addr, const void *buf, size_t n);

/* ---- heap pairs (rt_heap.c) ---- */
RT_HIDDEN int rt_heap_insert(struct rt_item *it);    /* both objects -> the pair */
RT_HIDDEN unsigned long rt_heap_count(void);
RT_HIDDEN int rt_heap_forget(const void *obj);
RT_HIDDEN int rt_heap_drop(struct rt_item *it);      /* 0, or -1: the map is busy */
RT_HIDDEN void rt_heap_atfork_child(void);
extern RT_HIDDEN atomic_int rt_heap_lock;

#endif
