/*
 * polus_rt.c -- the runtime library loaded into the target (libpolus_rt.so):
 * registration (polus.h section 2) and the injector's entry points
 * (section 3) except status (rt_status.c).  Write-through lives in
 * rt_writethrough.c (stores done for the faulting thread: rt_emulate.c),
 * heap pairs in rt_heap.c, the free()/read(2) GOT hooks in rt_hooks.c.
 *
 * Every injector entry point runs as a remote call on one thread while all
 * other threads are stopped: none of them mallocs, blocks or takes a lock
 * that a stopped thread could hold for ever (see rt_internal.h).
 *
 * Patch states: registered -> pre-updated -> active -> terminated
 *               active/terminated -> rolling-back -> rolled-back
 *               registered/pre-updated/active -> aborted
 */
#include "rt_internal.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

POLUS_EXPORT unsigned char polus_rt_scratch[POLUS_RT_SCRATCH_SIZE];

struct rt_patch rt_patches[RT_MAX_PATCHES];
_Atomic int rt_npatches;
struct rt_item *_Atomic rt_item_chunks[RT_ITEM_CHUNKS];
_Atomic int rt_nitems;
struct rt_counters rt_counters;
struct rt_txn rt_txn;
size_t rt_pagesize = 4096;
RT_TLS int rt_tls_patch;

static void atfork_child(void)
{
    rt_gettid_atfork_child();          /* before anything asks for this thread's id */
    rt_emulate_atfork_unlock();        /* first: finishing a window may emulate */
    int tracked = rt_wt_atfork_child();
    rt_emulate_atfork_child(tracked);
    rt_heap_atfork_child();
}

__attribute__((constructor)) static void rt_init(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    if (ps > 0)
        rt_pagesize = (size_t)ps;
    pthread_atfork(NULL, NULL, atfork_child);
}

/* ------------------------------------------------------------ lookup */

struct rt_patch *rt_patch_get(int id)
{
    if (id < 0 || id >= atomic_load(&rt_npatches) || id >= RT_MAX_PATCHES)
        return NULL;
    struct rt_patch *p = &rt_patches[id];
    return p->state == PS_FREE ? NULL : p;
}

struct rt_item *rt_item_at(int index)
{
    if (index < 0 || index >= RT_ITEM_CHUNK * RT_ITEM_CHUNKS)
        return NULL;
    struct rt_item *chunk = atomic_load(&rt_item_chunks[index / RT_ITEM_CHUNK]);
    return chunk ? &chunk[index % RT_ITEM_CHUNK] : NULL;
}

/* Slots of unloaded patches' items that polus_rt_reclaim made free again. */
static int *free_items;
static int nfree_items, capfree_items;
static atomic_int free_items_lock;

static struct rt_item *reused_item(int patch, int *index_out)
{
    if (!nfree_items || !rt_trylock(&free_items_lock))
        return NULL;
    struct rt_item *it = NULL;
    if (nfree_items) {
        int index = free_items[--nfree_items];
        it = rt_item_at(index);
        if (it) {
            memset(it, 0, sizeof *it);      /* not ready: no table or loop looks at it */
            it->patch = patch;
            if (index_out)
                *index_out = index;
        }
    }
    rt_unlock(&free_items_lock);
    return it;
}

/* A new item slot (not yet ready).  Any thread: heap pairs are registered
 * from sync code running in signal handlers. */
struct rt_item *rt_item_new(int patch, int *index_out)
{
    struct rt_item *reused = reused_item(patch, index_out);
    if (reused)
        return reused;
    int index = atomic_fetch_add(&rt_nitems, 1);
    if (index >= RT_ITEM_CHUNK * RT_ITEM_CHUNKS) {
        atomic_fetch_sub(&rt_nitems, 1);
        return NULL;
    }
    int c = index / RT_ITEM_CHUNK;
    struct rt_item *chunk = atomic_load(&rt_item_chunks[c]);
    if (!chunk) {
        struct rt_item *n = rt_alloc(RT_ITEM_CHUNK * sizeof(struct rt_item));
        if (!n)
            return NULL;   /* the index stays unused (never ready) */
        struct rt_item *expected = NULL;
        chunk = atomic_compare_exchange_strong(&rt_item_chunks[c], &expected, n) ? n : expected;
    }
    struct rt_item *it = &chunk[index % RT_ITEM_CHUNK];
    it->patch = patch;
    if (index_out)
        *index_out = index;
    return it;
}

const char *rt_patch_state_name(int state)
{
    switch (state) {
    case PS_REGISTERING: return "registering";
    case PS_REGISTERED: return "registered";
    case PS_PRE_UPDATED: return "pre-updated";
    case PS_ACTIVE: return "active";
    case PS_TERMINATED: return "terminated";
    case PS_ROLLING_BACK: return "rolling-back";
    case PS_ROLLED_BACK: return "rolled-back";
    case PS_ABORTED: return "aborted";
    default: return "free";
    }
}

const char *rt_item_state_name(int state)
{
    switch (state) {
    case IS_NEW: return "new";
    case IS_SYNCED: return "synchronized";
    default: return "retired";
    }
}

static struct rt_patch *registering(int id)
{
    struct rt_patch *p = rt_patch_get(id);
    return p && p->state == PS_REGISTERING ? p : NULL;
}

static int live_state(int state)
{
    return state == PS_ACTIVE || state == PS_TERMINATED || state == PS_ROLLING_BACK;
}

/* A registration call that fails marks its patch failed for good: the
 * patch cannot carry what it asked for, so polus_end_patch refuses it
 * (register_patch need not check every call). */
static int reg_failed(struct rt_patch *p, const char *what, const char *name)
{
    if (p) {
        rt_logf("patch %s: cannot register %s %s", p->name, what, name ? name : "?");
        p->failed = 1;
    }
    return -1;
}

static void copy_name(char *dst, const char *src)
{
    strncpy(dst, src ? src : "", RT_NAME_MAX - 1);
    dst[RT_NAME_MAX - 1] = 0;
}

/* ------------------------------------------------------ registration */

POLUS_EXPORT int polus_begin_patch(const char *program, const char *name,
                                   int from_version, int to_version, unsigned abi_version)
{
    if (abi_version != POLUS_ABI_VERSION) {
        rt_logf("patch %s: ABI %u, runtime speaks %u", name ? name : "?", abi_version, POLUS_ABI_VERSION);
        return -1;
    }
    int n = atomic_load(&rt_npatches);
    for (int i = 0; i < n; i++) {
        struct rt_patch *q = &rt_patches[i];
        if (q->state != PS_ROLLED_BACK && q->state != PS_ABORTED && name && strcmp(q->name, name) == 0) {
            rt_logf("patch %s is already registered (id %d, %s)", name, i, rt_patch_state_name(q->state));
            return -1;
        }
    }
    if (n >= RT_MAX_PATCHES) {
        rt_logf("patch %s: too many patches (%d)", name ? name : "?", RT_MAX_PATCHES);
        return -1;
    }
    struct rt_patch *p = &rt_patches[n];
    memset(p, 0, sizeof *p);
    copy_name(p->program, program);
    copy_name(p->name, name);
    p->from_version = from_version;
    p->to_version = to_version;
    p->state = PS_REGISTERING;
    atomic_store(&rt_npatches, n + 1);
    rt_tls_patch = n + 1;
    return n;
}

static int add_fn(struct rt_fn **arr, int *count, int *cap, const char *name,
                  void *addr, size_t size, unsigned flags)
{
    if (rt_grow((void **)arr, cap, *count + 1, sizeof(struct rt_fn)) != 0)
        return -1;
    struct rt_fn *f = &(*arr)[*count];
    memset(f, 0, sizeof *f);
    f->name = rt_strdup(name);
    f->addr = (uintptr_t)addr;
    f->size = size;
    f->flags = flags;
    f->mapped = -1;
    return (*count)++;
}

POLUS_EXPORT int polus_register_old_function(int patch, const char *name, void *addr, size_t size, unsigned flags)
{
    struct rt_patch *p = registering(patch);
    int id = p && addr ? add_fn(&p->oldf, &p->noldf, &p->capoldf, name, addr, size, flags) : -1;
    return id < 0 ? reg_failed(p, "old function", name) : id;
}

/* The ABI gives no size for a new function; the patch's own symbol table
 * has it.  (Registration runs right after the injector's dlopen; dladdr1
 * takes the loader lock just as dlopen did.)  Needed for rollback, when the
 * new functions are the ones to wait for. */
static size_t symbol_size(void *addr)
{
    Dl_info info;
    const ElfW(Sym) *sym = NULL;
    if (dladdr1(addr, &info, (void **)&sym, RTLD_DL_SYMENT) && sym && info.dli_saddr == addr)
        return sym->st_size;
    return 0;
}

POLUS_EXPORT int polus_register_new_function(int patch, const char *name, void *addr, unsigned flags)
{
    struct rt_patch *p = registering(patch);
    if (!p || !addr)
        return reg_failed(p, "new function", name);
    size_t size = symbol_size(addr);
    if (!size)
        rt_logf("patch %s: no symbol size for new function %s: rollback cannot see it active", p->name, name);
    int id = add_fn(&p->newf, &p->nnewf, &p->capnewf, name, addr, size, flags);
    return id < 0 ? reg_failed(p, "new function", name) : id;
}

POLUS_EXPORT void polus_map_function(int patch, int old_fn, int new_fn)
{
    struct rt_patch *p = registering(patch);
    if (!p || old_fn < 0 || old_fn >= p->noldf || new_fn < 0 || new_fn >= p->nnewf) {
        rt_logf("polus_map_function(%d, %d, %d): bad ids", patch, old_fn, new_fn);
        reg_failed(p, "redirect", "");
        return;
    }
    p->oldf[old_fn].mapped = new_fn;
}

static void fill_item(struct rt_item *it, int id, const char *name, void *old_addr, size_t old_size,
                      void *new_addr, size_t new_size, polus_sync_fn old_to_new,
                      polus_sync_fn new_to_old, unsigned flags)
{
    it->id = id;
    it->name = rt_strdup(name);
    it->addr[SIDE_OLD] = old_addr;
    it->size[SIDE_OLD] = old_size;
    it->addr[SIDE_NEW] = new_addr;
    it->size[SIDE_NEW] = new_size;
    it->into[SIDE_NEW] = old_to_new;
    it->into[SIDE_OLD] = new_to_old;
    it->flags = flags;
    atomic_store(&it->state, IS_NEW);
}

POLUS_EXPORT int polus_register_data(int patch, const char *name,
                                     void *old_addr, size_t old_size,
                                     void *new_addr, size_t new_size,
                                     polus_sync_fn old_to_new, polus_sync_fn new_to_old,
                                     unsigned flags)
{
    struct rt_patch *p = registering(patch);
    if (!p || !old_addr || !new_addr)
        return reg_failed(p, "data", name);
    if (rt_grow((void **)&p->data, &p->capdata, p->ndata + 1, sizeof(int)) != 0)
        return reg_failed(p, "data", name);
    int index;
    struct rt_item *it = rt_item_new(patch, &index);
    if (!it)
        return reg_failed(p, "data", name);
    fill_item(it, p->ndata, name, old_addr, old_size, new_addr, new_size, old_to_new, new_to_old,
              flags & ~POLUS_DATA_HEAP);
    atomic_store(&it->ready, 1);
    p->data[p->ndata] = index;
    return p->ndata++;
}

static struct rt_item *patch_data(struct rt_patch *p, int id)
{
    return id >= 0 && id < p->ndata ? rt_item_at(p->data[id]) : NULL;
}

POLUS_EXPORT void polus_map_f2d(int patch, int old_fn, int data)
{
    struct rt_patch *p = registering(patch);
    struct rt_item *it = p ? patch_data(p, data) : NULL;
    if (!it || old_fn < 0 || old_fn >= p->noldf) {
        rt_logf("polus_map_f2d(%d, %d, %d): bad ids", patch, old_fn, data);
        reg_failed(p, "f2d mapping", "");
        return;
    }
    for (int i = 0; i < it->nusers; i++)
        if (it->users[i] == old_fn)
            return;
    if (rt_grow((void **)&it->users, &it->capusers, it->nusers + 1, sizeof(int)) == 0)
        it->users[it->nusers++] = old_fn;
    else
        reg_failed(p, "f2d mapping", it->name);
}

POLUS_EXPORT void polus_set_callbacks(int patch, const struct polus_callbacks *callbacks)
{
    struct rt_patch *p = registering(patch);
    if (!p)
        return;
    if (callbacks)
        p->cb = *callbacks;
    else
        memset(&p->cb, 0, sizeof p->cb);
}

POLUS_EXPORT int polus_end_patch(int patch)
{
    struct rt_patch *p = registering(patch);
    rt_tls_patch = 0;
    if (!p)
        return -1;
    if (p->failed) {
        rt_logf("patch %s refused: part of it could not be registered (see above)", p->name);
        p->state = PS_ABORTED;
        return -1;
    }
    for (int i = 0; i < p->noldf; i++) {
        if (p->oldf[i].size == 0 && !(p->oldf[i].flags & POLUS_FN_NEVER_LEFT))
            rt_logf("patch %s: old function %s has size 0 (inlined?): it is never seen active",
                    p->name, p->oldf[i].name);
    }
    /* Each copy has one layout: a live item of another patch with the same
     * old copy means this patch did not reach its own imports.  Seen for
     * real: patches all define polus_imports, and when they are dlopen'ed
     * RTLD_GLOBAL the second patch's register_patch() reads the FIRST
     * patch's table (the program's ab instead of ab_v1). */
    for (int d = 0; d < p->ndata; d++) {
        struct rt_item *it = rt_item_at(p->data[d]);
        for (int q = 0; q < patch; q++) {
            struct rt_patch *o = &rt_patches[q];
            if (o->state == PS_ABORTED || o->state == PS_ROLLED_BACK)
                continue;
            for (int e = 0; e < o->ndata; e++) {
                struct rt_item *x = rt_item_at(o->data[e]);
                int st = x ? atomic_load(&x->state) : IS_RETIRED;
                if (x && x->addr[SIDE_OLD] == it->addr[SIDE_OLD] && st != IS_RETIRED) {
                    rt_logf("patch %s refused: its old copy of %s (%p) is already the old copy in patch %s"
                            " -- are its polus_imports interposed by an earlier patch's? (patches must be"
                            " loaded RTLD_LOCAL)", p->name, it->name, it->addr[SIDE_OLD], o->name);
                    p->state = PS_ABORTED;
                    return -1;
                }
            }
        }
    }
    p->state = PS_REGISTERED;
    return 0;
}

POLUS_EXPORT int polus_current_patch(void)
{
    return rt_tls_patch - 1;
}

/* Heap pairs: the item part (the map of counterparts is in rt_heap.c). */
POLUS_EXPORT int polus_register_heap(int patch, const char *type_name,
                                     void *old_obj, size_t old_size,
                                     void *new_obj, size_t new_size,
                                     polus_sync_fn old_to_new, polus_sync_fn new_to_old)
{
    struct rt_patch *p = rt_patch_get(patch);
    if (!p || !old_obj || !new_obj || p->state == PS_ABORTED || p->state == PS_ROLLED_BACK)
        return -1;
    struct rt_item *it = rt_item_new(patch, NULL);
    if (!it)
        return -1;
    int id = p->ndata + atomic_fetch_add(&p->nheap, 1);
    fill_item(it, id, type_name, old_obj, old_size, new_obj, new_size, old_to_new, new_to_old,
              POLUS_DATA_HEAP);
    if (rt_heap_insert(it) != 0) {
        atomic_store(&it->state, IS_RETIRED);
        atomic_store(&it->ready, 1);
        return -1;
    }
    atomic_store(&it->ready, 1);
    if (live_state(p->state)) {
        /* registered by code running after activation: copied and protected
         * now, or -- from inside a sync function -- when that sync is over */
        atomic_fetch_add(&rt_pending_heap, 1);
        if (!rt_in_sync())
            rt_sync_pending();
    }
    return id;
}

/* ------------------------------------------------------ injector side */

static int fire_pre(struct rt_patch *p, int id)
{
    if (!p->cb.pre_update)
        return 0;
    int saved = rt_tls_patch;
    rt_tls_patch = id + 1;
    int rc = p->cb.pre_update();
    rt_tls_patch = saved;
    return rc;
}

static void retire_item(struct rt_patch *p, struct rt_item *it, int fire)
{
    int expected = IS_SYNCED;
    if (!atomic_compare_exchange_strong(&it->state, &expected, IS_RETIRED))
        return;
    rt_protect_item(it);
    if (fire && p->cb.data && !(it->flags & POLUS_DATA_HEAP)) {
        int saved = rt_tls_patch;
        rt_tls_patch = it->patch + 1;
        p->cb.data(it->name, it->addr[SIDE_OLD], it->addr[SIDE_NEW]);
        rt_tls_patch = saved;
    }
}

/* Every item (globals and heap pairs) of one patch. */
#define FOR_ITEMS(id, it)                                                   \
    for (int _i = 0, _n = atomic_load(&rt_nitems); _i < _n; _i++)           \
        if (((it) = rt_item_at(_i)) && atomic_load(&(it)->ready) && (it)->patch == (id))

POLUS_EXPORT int polus_rt_pre_update(int patch)
{
    struct rt_patch *p = rt_patch_get(patch);
    if (!p || p->state != PS_REGISTERED)
        return -1;
    int rc = fire_pre(p, patch);
    if (rc != 0) {
        rt_logf("patch %s: pre-update callback refused the update (%d)", p->name, rc);
        p->state = PS_ABORTED;
        return rc;
    }
    p->state = PS_PRE_UPDATED;
    return 0;
}

POLUS_EXPORT int polus_rt_note_redirect(int patch, void *at, const unsigned char *orig, unsigned len, void *target)
{
    struct rt_patch *p = rt_patch_get(patch);
    if (!p || !at || !orig || len == 0 || len > RT_REDIRECT_BYTES)
        return -1;
    if (rt_grow((void **)&p->redir, &p->capredir, p->nredir + 1, sizeof(struct rt_redirect)) != 0)
        return -1;
    struct rt_redirect *r = &p->redir[p->nredir++];
    r->at = (uintptr_t)at;
    r->target = (uintptr_t)target;
    r->len = len;
    memcpy(r->orig, orig, len);
    return 0;
}

POLUS_EXPORT int polus_rt_note_redirects(int patch, const struct polus_rt_redirect_note *notes, unsigned n)
{
    struct rt_patch *p = rt_patch_get(patch);
    if (!p || (!notes && n))
        return -1;
    for (unsigned i = 0; i < n; i++)
        if (!notes[i].at || notes[i].len == 0 || notes[i].len > RT_REDIRECT_BYTES
            || notes[i].len > sizeof notes[i].orig)
            return -1;
    if (rt_grow((void **)&p->redir, &p->capredir, p->nredir + (int)n, sizeof(struct rt_redirect)) != 0)
        return -1;
    for (unsigned i = 0; i < n; i++)
        if (polus_rt_note_redirect(patch, (void *)(uintptr_t)notes[i].at, notes[i].orig, notes[i].len,
                                   (void *)(uintptr_t)notes[i].target) != 0)
            return -1;      /* not reached: every check was made and the room is there */
    return 0;
}

static void reset_fns(struct rt_fn *f, int n)
{
    for (int i = 0; i < n; i++) {
        f[i].active = 1;    /* unknown until the first sample says otherwise */
        f[i].done = 0;
        f[i].nthreads = 0;
    }
}

/* Code is read-only: write it through /proc/self/mem, or, where that
 * cannot be opened, with its pages made writable for the copy. */
static int write_code(int fd, uintptr_t at, const unsigned char *bytes, unsigned n)
{
    if (fd >= 0 && pwrite(fd, bytes, n, (off_t)at) == (ssize_t)n)
        return 0;
    uintptr_t lo = at & ~(uintptr_t)(rt_pagesize - 1);
    uintptr_t hi = (at + n + rt_pagesize - 1) & ~(uintptr_t)(rt_pagesize - 1);
    if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE | PROT_EXEC) != 0)
        return -1;
    memcpy((void *)at, bytes, n);
    mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC);
    return 0;
}

static int open_own_mem(void)
{
    return open("/proc/self/mem", O_RDWR | O_CLOEXEC);
}

/* Every jump of `p` that is in place goes back to the original bytes
 * (newest first); bytes that are neither are left alone. */
static void put_back_jumps(struct rt_patch *p)
{
    int fd = open_own_mem();
    for (int i = p->nredir - 1; i >= 0; i--) {
        struct rt_redirect *r = &p->redir[i];
        if (r->code[0] && memcmp((const void *)r->at, r->code, r->len) == 0) {
            write_code(fd, r->at, r->orig, r->len);
            rt_switch_hold();
        }
    }
    if (fd >= 0)
        close(fd);
}

static void txn_begin(int op, int patch)
{
    rt_txn.patch = patch;
    rt_txn.tid = rt_gettid();
    atomic_store(&rt_txn.op, op);
}

static void txn_end(void)
{
    atomic_store(&rt_txn.op, RT_TXN_NONE);
}

static int abort_patch(int patch);

POLUS_EXPORT int polus_rt_activate(int patch)
{
    struct rt_patch *p = rt_patch_get(patch);
    if (!p)
        return -1;
    if (p->state == PS_REGISTERED && polus_rt_pre_update(patch) != 0)
        return -1;
    if (p->state != PS_PRE_UPDATED)
        return -1;
    if (rt_install_handlers() != 0) {
        rt_logf("patch %s: cannot install the SIGSEGV/SIGTRAP handlers", p->name);
        return -1;
    }
    rt_install_hooks();   /* free and read(2) in the program's GOTs (rt_hooks.c) */
    reset_fns(p->oldf, p->noldf);
    p->state = PS_ACTIVE;
    /* the initial copy, old -> new, of every item (heap pairs too) */
    struct rt_item *it;
    FOR_ITEMS(patch, it) {
        if (atomic_load(&it->state) != IS_NEW)
            continue;
        rt_sync_item(it, SIDE_NEW);
        atomic_store(&it->state, (it->flags & POLUS_DATA_READONLY) ? IS_RETIRED : IS_SYNCED);
    }
    rt_switch_hold();       /* copied, not yet protected: no thread may run here */
    if (rt_rebuild_regions() != 0) {
        rt_logf("patch %s: region table busy or out of memory", p->name);
        abort_patch(patch);
        return -1;
    }
    FOR_ITEMS(patch, it)
        rt_protect_item(it);
    rt_sync_pending();
    return 0;
}

/* The journal covers the whole switch, from the moment it is called: a
 * command that attaches meanwhile (its injector died: it may wait up to a
 * second for the parked threads) must wait for it, never abort and unload
 * the patch under its feet (seen: a pool master killed by a NULL p->redir
 * in the loop below after the next `status` unloaded the patch). */
static int commit_switch(struct rt_patch *p, int patch, const unsigned char *codes, unsigned n)
{
    if (!rt_switch_alone())
        return -1;          /* nothing changed: the next command aborts the patch */
    rt_switch_hold();       /* (the fault-injection suite's next command may attach here) */
    for (unsigned i = 0; i < n; i++) {
        struct rt_redirect *r = &p->redir[i];
        if (memcmp((const void *)r->at, r->orig, r->len) != 0) {
            rt_logf("patch %s: the code at %p changed since it was noted", p->name, (void *)r->at);
            abort_patch(patch);
            return -1;
        }
        memcpy(r->code, codes + (size_t)i * RT_REDIRECT_BYTES, r->len);
    }
    int rc = polus_rt_activate(patch);
    rt_switch_hold();
    if (rc == 0) {
        int fd = open_own_mem();
        for (unsigned i = 0; i < n && rc == 0; i++) {
            rc = write_code(fd, p->redir[i].at, p->redir[i].code, p->redir[i].len);
            rt_switch_hold();
        }
        if (fd >= 0)
            close(fd);
        if (rc != 0) {
            rt_logf("patch %s: cannot write its jumps", p->name);
            abort_patch(patch);
        }
    }
    return rc;
}

static int commit(int patch, const unsigned char *codes, unsigned n)
{
    struct rt_patch *p = rt_patch_get(patch);
    if (!p || (n && !codes) || n != (unsigned)p->nredir ||
        (p->state != PS_REGISTERED && p->state != PS_PRE_UPDATED))
        return -1;
    txn_begin(RT_TXN_COMMIT, patch);
    /* checked again once journalled: a command that attached before the
     * journal entry (this call's injector had died) may have aborted and
     * unloaded the patch meanwhile; from here on it waits for us instead */
    int rc = -1;
    if (rt_patch_get(patch) == p && (p->state == PS_REGISTERED || p->state == PS_PRE_UPDATED) &&
        n == (unsigned)p->nredir)
        rc = commit_switch(p, patch, codes, n);
    txn_end();
    return rc;
}

POLUS_EXPORT int polus_rt_commit(int patch, const unsigned char *codes, unsigned n)
{
    int rc = commit(patch, codes, n);
    rt_switch_over();
    return rc;
}

/* The injector's abort.  A commit of the patch already journalled (its
 * injector died during that call, which runs on by itself) owns it: the
 * command must wait for its end, never free what the switch is using. */
POLUS_EXPORT int polus_rt_abort(int patch)
{
    if (atomic_load(&rt_txn.op) == RT_TXN_COMMIT && rt_txn.patch == patch)
        return -2;
    return abort_patch(patch);
}

static int abort_patch(int patch)
{
    struct rt_patch *p = rt_patch_get(patch);
    if (!p)
        return -1;
    if (p->state == PS_ABORTED)
        return 0;
    if (p->state != PS_REGISTERING && p->state != PS_REGISTERED && p->state != PS_PRE_UPDATED &&
        p->state != PS_ACTIVE)
        return -1;
    p->state = PS_ABORTED;
    put_back_jumps(p);
    struct rt_item *it;
    FOR_ITEMS(patch, it) {
        int st = atomic_exchange(&it->state, IS_RETIRED);
        if (st == IS_NEW && (it->flags & POLUS_DATA_HEAP) && rt_pending_heap > 0)
            atomic_fetch_sub(&rt_pending_heap, 1);
        rt_protect_item(it);
    }
    if (rt_tls_patch == patch + 1)
        rt_tls_patch = 0;
    return 0;
}

static int rollback_switch(struct rt_patch *p, int patch)
{
    if (!rt_switch_alone())
        return -1;          /* nothing changed: the patch is still applied */
    rt_switch_hold();
    if (p->cb.rollback) {
        /* the user's undo of what no sync function carries, while the new code is still in */
        int saved = rt_tls_patch;
        rt_tls_patch = patch + 1;
        p->cb.rollback();
        rt_tls_patch = saved;
    }
    p->state = PS_ROLLING_BACK;
    p->rollbacks++;
    reset_fns(p->newf, p->nnewf);
    /* the same backwards: retired data is brought back new -> old first */
    struct rt_item *it;
    FOR_ITEMS(patch, it) {
        /* (a heap pair whose object was freed stays out: syncing into freed
         * memory corrupts the allocator -- seen on ftpish) */
        if ((it->flags & (POLUS_DATA_READONLY | RT_ITEM_DEAD)) || atomic_load(&it->state) != IS_RETIRED)
            continue;
        rt_sync_item(it, SIDE_OLD);
        atomic_store(&it->state, IS_SYNCED);
    }
    rt_rebuild_regions();
    FOR_ITEMS(patch, it)
        rt_protect_item(it);
    rt_switch_hold();
    /* old data is up to date and tracked: the old code may run again */
    put_back_jumps(p);
    return 0;
}

static int rollback(int patch)
{
    struct rt_patch *p = rt_patch_get(patch);
    if (!p || (p->state != PS_ACTIVE && p->state != PS_TERMINATED))
        return -1;
    int n = atomic_load(&rt_npatches);
    for (int i = patch + 1; i < n; i++) {
        int st = rt_patches[i].state;
        if (st == PS_PRE_UPDATED || live_state(st)) {
            rt_logf("rollback of %s refused: %s is applied on top of it", p->name, rt_patches[i].name);
            return -1;
        }
    }
    txn_begin(RT_TXN_ROLLBACK, patch);      /* from the start: see commit_switch */
    int rc = rollback_switch(p, patch);
    txn_end();
    return rc;
}

POLUS_EXPORT int polus_rt_rollback(int patch)
{
    int rc = rollback(patch);
    rt_switch_over();
    return rc;
}

/* ------------------------------------------------------------ unload */

static void free_fns(struct rt_fn *f, int n, int cap)
{
    for (int i = 0; i < n; i++)
        rt_free((void *)f[i].name, strlen(f[i].name) + 1);
    rt_free(f, (size_t)cap * sizeof *f);
}

POLUS_EXPORT int polus_rt_unload(int patch)
{
    struct rt_patch *p = rt_patch_get(patch);
    if (!p || (p->state != PS_ROLLED_BACK && p->state != PS_ABORTED))
        return -1;
    if (rt_wt_busy())
        return -1;      /* a thread is inside a carried store: next time */
    /* its items leave every table first: nothing can reach them after */
    struct rt_item *it;
    FOR_ITEMS(patch, it)
        if ((it->flags & POLUS_DATA_HEAP) && rt_heap_drop(it) != 0)
            return -1;  /* the heap map is busy: next time, nothing changed yet */
    FOR_ITEMS(patch, it) {
        if (atomic_exchange(&it->state, IS_RETIRED) != IS_RETIRED)
            rt_protect_item(it);
        if (it->size[SIDE_OLD])
            rt_bury_pages((uintptr_t)it->addr[SIDE_OLD], (uintptr_t)it->addr[SIDE_OLD] + it->size[SIDE_OLD]);
        atomic_store(&it->ready, 0);
    }
    if (rt_rebuild_regions() != 0)
        return -1;      /* the region lock is busy: next time (the items are out of use already) */
    for (int i = 0, n = atomic_load(&rt_nitems); i < n; i++) {
        struct rt_item *x = rt_item_at(i);
        if (!x || x->patch != patch || atomic_load(&x->ready))
            continue;
        rt_free(x->users, (size_t)x->capusers * sizeof(int));
        if (x->name)
            rt_free((void *)x->name, strlen(x->name) + 1);
        x->users = NULL;
        x->name = NULL;
        x->nusers = x->capusers = 0;
        x->patch = -1;
    }
    /* The library itself is never unloaded, on purpose.  Nothing tells us
     * that the program holds no pointer into it: new code may have stored
     * the address of one of the patch's functions or constants in the
     * program's data (a handler given to sigaction, a callback in a table,
     * a string literal assigned to a global -- and the rollback's sync
     * new -> old carries such values into the old copies), and a dlclose
     * turns the next use into a jump to an unmapped address.  (A dlclose
     * here once killed the ftpish listener in about half of its chain
     * rollbacks under load; not reproduced since, in 243 dlcloses of the
     * live corpus tests, which is no proof.)  It costs the library's
     * mappings once per distinct patch: an apply of the same patch again
     * reuses the instance, its data first put back as the first dlopen
     * left it (rt_library.c). */
    free_fns(p->oldf, p->noldf, p->capoldf);
    free_fns(p->newf, p->nnewf, p->capnewf);
    rt_free(p->data, (size_t)p->capdata * sizeof(int));
    rt_free(p->redir, (size_t)p->capredir * sizeof(struct rt_redirect));
    rt_free(p->thread_seen, (size_t)p->capthread_seen * sizeof(long));
    memset(p, 0, sizeof *p);        /* PS_FREE */
    /* a free slot on top is taken by the next patch: ids keep the order of applies */
    int n = atomic_load(&rt_npatches);
    while (n > 0 && rt_patches[n - 1].state == PS_FREE)
        n--;
    atomic_store(&rt_npatches, n);
    return 0;
}

/* What unloading cannot free at once, because a thread inside the runtime
 * may still be reading it: the region tables that were replaced, and the
 * item slots of unloaded patches.  The injector calls this with every
 * thread stopped and none of them inside the runtime's code (their stacks
 * sampled): then nothing holds a pointer to them, and memory stays flat
 * over any number of apply/rollback cycles.  The number of bytes and slots
 * given back, or -1: a thread is carrying a store (try again later). */
static long rt_reclaim_pending_items(void)
{
    long n = 0;
    for (int i = 0, k = atomic_load(&rt_nitems); i < k; i++) {
        struct rt_item *x = rt_item_at(i);
        if (x && x->patch == -1 && !atomic_load(&x->ready))
            n++;
    }
    return n;
}

long rt_reclaimable(void)
{
    return rt_superseded_bytes() + rt_reclaim_pending_items() * (long)sizeof(struct rt_item);
}

POLUS_EXPORT long polus_rt_reclaim(void)
{
    if (rt_wt_busy())
        return -1;
    long freed = rt_free_superseded_tables();
    if (freed < 0)
        return -1;
    if (!rt_trylock(&free_items_lock))
        return freed;
    for (int i = 0, n = atomic_load(&rt_nitems); i < n; i++) {
        struct rt_item *x = rt_item_at(i);
        if (!x || x->patch != -1 || atomic_load(&x->ready))
            continue;
        if (rt_grow((void **)&free_items, &capfree_items, nfree_items + 1, sizeof(int)) != 0)
            break;
        x->patch = -2;                  /* free: reclaimed once */
        free_items[nfree_items++] = i;
        freed += (long)sizeof *x;
    }
    rt_unlock(&free_items_lock);
    return freed;
}

/* ------------------------------------------------------------ progress */

static int pc_in(const struct rt_fn *f, uint64_t pc)
{
    return f->size && pc >= f->addr && pc < f->addr + f->size;
}

static int thread_seen(struct rt_patch *p, long tid)
{
    for (int i = 0; i < p->nthread_seen; i++)
        if (p->thread_seen[i] == tid)
            return 1;
    return 0;
}

/* Chains: the old copy of `it` is the new copy of a pair of an earlier
 * patch still in write-through (config_v1 of v1->v2 is the new copy of
 * config <-> config_v1 while a v0 activation still reads config).  Writes to
 * the newest copy reach that activation only through `it`: it stays until
 * the earlier pair retires (earlier patches are progressed first, so the
 * same round can retire both). */
static int feeds_live_pair(const struct rt_item *it)
{
    for (int q = 0; q < it->patch; q++) {
        const struct rt_patch *o = &rt_patches[q];
        if (!live_state(o->state))
            continue;
        for (int e = 0; e < o->ndata; e++) {
            const struct rt_item *x = rt_item_at(o->data[e]);
            if (x && x->addr[SIDE_NEW] == it->addr[SIDE_OLD] && atomic_load(&x->state) == IS_SYNCED)
                return 1;
        }
    }
    return 0;
}

static void progress_patch(int id, const uint64_t *samples, size_t nwords)
{
    struct rt_patch *p = &rt_patches[id];
    int rolling = p->state == PS_ROLLING_BACK;
    int forward = p->state == PS_ACTIVE;
    struct rt_fn *fns = rolling ? p->newf : p->oldf;
    int nf = rolling ? p->nnewf : p->noldf;
    int saved = rt_tls_patch;
    rt_tls_patch = id + 1;

    for (int k = 0; k < nf; k++) {
        fns[k].active = 0;
        fns[k].nthreads = 0;
    }
    for (size_t i = 0; i + 2 <= nwords;) {
        long tid = (long)samples[i];
        size_t n = (size_t)samples[i + 1];
        if (n > nwords - i - 2)
            break;
        const uint64_t *pcs = samples + i + 2;
        int any = 0;
        for (int k = 0; k < nf; k++) {
            for (size_t j = 0; j < n; j++) {
                /* a return address points after its call: look at the call */
                uint64_t pc = j == 0 ? pcs[j] : pcs[j] - 1;
                if (pc_in(&fns[k], pc)) {
                    if (fns[k].nthreads < RT_FN_THREADS)
                        fns[k].tids[fns[k].nthreads] = tid;
                    fns[k].nthreads++;
                    fns[k].active = 1;
                    any = 1;
                    break;
                }
            }
        }
        if (!any && forward && !thread_seen(p, tid) &&
            rt_grow((void **)&p->thread_seen, &p->capthread_seen, p->nthread_seen + 1, sizeof(long)) == 0) {
            p->thread_seen[p->nthread_seen++] = tid;
            if (p->cb.thread)
                p->cb.thread(tid);
        }
        i += 2 + n;
    }
    for (int k = 0; k < nf; k++) {
        if (!fns[k].active && !fns[k].done) {
            fns[k].done = 1;
            if (forward && p->cb.function)
                p->cb.function(fns[k].name);
        }
    }
    /* a thread stopped in the middle of a carried store: retire nothing and
     * do not terminate this round (the next sample will) */
    if (rt_wt_busy()) {
        rt_tls_patch = saved;
        return;
    }
    /* data: retired when no function that uses it is active (d2f); while
     * rolling back, every new function counts as a user */
    int any_new_active = 0;
    for (int k = 0; k < p->nnewf; k++)
        any_new_active |= rolling && p->newf[k].active;
    int globals_left = 0;
    for (int d = 0; d < p->ndata; d++) {
        struct rt_item *it = rt_item_at(p->data[d]);
        if (!it || atomic_load(&it->state) != IS_SYNCED)
            continue;
        int busy = any_new_active || (!rolling && feeds_live_pair(it));
        for (int u = 0; !rolling && u < it->nusers; u++)
            busy |= p->oldf[it->users[u]].active;
        if (busy)
            globals_left++;
        else
            retire_item(p, it, !rolling);
    }
    if (!globals_left) {
        /* heap pairs are reached from changed globals: they go with them */
        struct rt_item *it;
        FOR_ITEMS(id, it)
            if ((it->flags & POLUS_DATA_HEAP) && atomic_load(&it->state) == IS_SYNCED)
                retire_item(p, it, 0);
    }
    /* termination: nothing old is active (never-left functions excepted:
     * their data stays in write-through while they live) */
    int busy = 0;
    for (int k = 0; k < nf; k++)
        if (fns[k].active && !(fns[k].flags & POLUS_FN_NEVER_LEFT))
            busy = 1;
    if (!busy) {
        if (forward) {
            p->state = PS_TERMINATED;
            if (!p->post_fired && p->cb.post_update) {
                p->post_fired = 1;
                p->cb.post_update();
            }
            p->post_fired = 1;
        } else if (rolling && !any_new_active) {
            p->state = PS_ROLLED_BACK;
        }
    }
    rt_tls_patch = saved;
}

POLUS_EXPORT int polus_rt_progress(const uint64_t *samples, size_t nwords)
{
    if (!samples && nwords)
        return -1;
    rt_check_handlers();
    int n = atomic_load(&rt_npatches);
    int left = 0;
    for (int id = 0; id < n; id++) {
        if (!live_state(rt_patches[id].state))
            continue;
        progress_patch(id, samples, nwords);
        int st = rt_patches[id].state;
        if (st == PS_ACTIVE || st == PS_ROLLING_BACK)
            left++;
    }
    return left;
}
