/*
 * rt_heap.c -- the map from a heap object to its pair (paper 3.1.2, 3.2.1).
 *
 * Tracing code in a pre-update callback registers old/new heap objects in
 * pairs; sync functions translate pointers with polus_counterpart and, on a
 * miss, allocate the counterpart and register it.  So lookups run inside
 * signal handlers, in any thread, at the same time as inserts: an
 * open-addressing table keyed by the object's address, read without locks;
 * inserts take a bounded try-lock and, when the table is half full, publish
 * a copy twice the size (old tables are not freed: a reader may still be in
 * one).
 *
 * In a chain of patches the middle object belongs to two pairs (v1 is the
 * new side of v0->v1 and the old side of v1->v2), so a key may appear in
 * several slots, one per pair.  polus_counterpart answers with the pair of
 * the patch whose code is running (polus_current_patch(): the sync function
 * or callback of that patch), else with the newest pair: a v0->v1 sync asks
 * for the v0 object of a v1 node, never for its v2 one.
 *
 * A freed object (free() hook, rt_hooks.c) is forgotten: its slots keep the
 * key (probe chains stay whole) but lose the pair.
 *
 * Pairs of a patch rolled back (or aborted) are never an answer: its new
 * objects were left behind unsynchronized while the old code ran on, and
 * what they point to may since have been freed.  Applying that patch again
 * must trace the heap afresh, not pick them up.
 */
#include "rt_internal.h"

#include <string.h>

struct heap_slot {
    _Atomic uintptr_t key;
    struct rt_item *_Atomic item;
};

struct heap_table {
    size_t cap;          /* power of two */
    size_t used;
    struct heap_slot slot[];
};

static struct heap_table *_Atomic table;
static _Atomic unsigned long npairs;
atomic_int rt_heap_lock;

static size_t hash_ptr(uintptr_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k;
}

static struct heap_table *table_new(size_t cap)
{
    struct heap_table *t = rt_alloc(sizeof *t + cap * sizeof(struct heap_slot));
    if (t)
        t->cap = cap;
    return t;
}

/* One slot per (key, pair); the same pair twice is a no-op. */
static void put(struct heap_table *t, uintptr_t key, struct rt_item *it)
{
    size_t mask = t->cap - 1;
    for (size_t i = hash_ptr(key) & mask;; i = (i + 1) & mask) {
        uintptr_t k = atomic_load(&t->slot[i].key);
        if (k == key && atomic_load(&t->slot[i].item) == it)
            return;
        if (k == 0) {
            atomic_store(&t->slot[i].item, it);
            atomic_store(&t->slot[i].key, key);   /* key last: readers see a whole entry */
            t->used++;
            return;
        }
    }
}

int rt_heap_insert(struct rt_item *it)
{
    if (!rt_trylock(&rt_heap_lock))
        return -1;
    struct heap_table *t = atomic_load(&table);
    if (!t || (t->used + 2) * 2 > t->cap) {
        struct heap_table *n = table_new(t ? t->cap * 2 : 1024);
        if (!n) {
            rt_unlock(&rt_heap_lock);
            return -1;
        }
        for (size_t i = 0; t && i < t->cap; i++) {
            uintptr_t k = atomic_load(&t->slot[i].key);
            struct rt_item *x = atomic_load(&t->slot[i].item);
            if (k && x)
                put(n, k, x);
        }
        atomic_store(&table, n);
        t = n;
    }
    put(t, (uintptr_t)it->addr[SIDE_OLD], it);
    put(t, (uintptr_t)it->addr[SIDE_NEW], it);
    atomic_fetch_add(&npairs, 1);
    rt_unlock(&rt_heap_lock);
    return 0;
}

/* The pair of `key`: the one of `patch` if there is one, else the newest. */
static struct rt_item *lookup(uintptr_t key, int patch)
{
    struct heap_table *t = atomic_load(&table);
    if (!t || !key)
        return NULL;
    struct rt_item *best = NULL;
    size_t mask = t->cap - 1;
    for (size_t i = hash_ptr(key) & mask, n = 0; n < t->cap; i = (i + 1) & mask, n++) {
        uintptr_t k = atomic_load(&t->slot[i].key);
        if (k == 0)
            break;
        if (k != key)
            continue;
        struct rt_item *it = atomic_load(&t->slot[i].item);
        if (!it)
            continue;   /* forgotten */
        struct rt_patch *p = rt_patch_get(it->patch);
        if (p && (p->state == PS_ROLLED_BACK || p->state == PS_ABORTED))
            continue;   /* left behind (above) */
        if (it->patch == patch)
            return it;
        if (!best || it->patch > best->patch)
            best = it;
    }
    return best;
}

POLUS_EXPORT void *polus_counterpart(const void *obj)
{
    struct rt_item *it = lookup((uintptr_t)obj, polus_current_patch());
    if (!it)
        return NULL;
    if (it->addr[SIDE_OLD] == obj)
        return it->addr[SIDE_NEW];
    if (it->addr[SIDE_NEW] == obj)
        return it->addr[SIDE_OLD];
    return NULL;
}

unsigned long rt_heap_count(void)
{
    return atomic_load(&npairs);
}

/* Clear the slot of (key, it). */
static void forget_slot(struct heap_table *t, uintptr_t key, struct rt_item *it)
{
    size_t mask = t->cap - 1;
    for (size_t i = hash_ptr(key) & mask, n = 0; n < t->cap; i = (i + 1) & mask, n++) {
        uintptr_t k = atomic_load(&t->slot[i].key);
        if (k == 0)
            return;
        if (k == key && atomic_load(&t->slot[i].item) == it) {
            atomic_store(&t->slot[i].item, NULL);   /* the key stays: probe chains stay whole */
            return;
        }
    }
}

/* One pair out of the map (its patch is unloaded); 0, or -1: the map is
 * busy (a stopped thread holds it). */
int rt_heap_drop(struct rt_item *it)
{
    if (!rt_trylock(&rt_heap_lock))
        return -1;
    struct heap_table *t = atomic_load(&table);
    if (t) {
        forget_slot(t, (uintptr_t)it->addr[SIDE_OLD], it);
        forget_slot(t, (uintptr_t)it->addr[SIDE_NEW], it);
    }
    rt_unlock(&rt_heap_lock);
    return 0;
}

/* free() of an object (rt_hooks.c), before the allocator writes its own
 * bookkeeping into it: every pair it belongs to leaves write-through and
 * the map (the address may come back from malloc as another object).  The
 * number of pairs forgotten. */
int rt_heap_forget(const void *obj)
{
    int forgotten = 0;
    struct rt_item *it;
    while ((it = lookup((uintptr_t)obj, -1)) != NULL) {
        __atomic_or_fetch(&it->flags, RT_ITEM_DEAD, __ATOMIC_SEQ_CST);
        int st = atomic_exchange(&it->state, IS_RETIRED);
        if (st == IS_NEW && atomic_load(&rt_pending_heap) > 0)
            atomic_fetch_sub(&rt_pending_heap, 1);
        if (!rt_trylock(&rt_heap_lock))
            break;   /* retired at least; a stopped thread holds the map */
        struct heap_table *t = atomic_load(&table);
        if (t) {
            forget_slot(t, (uintptr_t)it->addr[SIDE_OLD], it);
            forget_slot(t, (uintptr_t)it->addr[SIDE_NEW], it);
        }
        rt_unlock(&rt_heap_lock);
        if (st == IS_SYNCED)
            rt_protect_item(it);
        atomic_fetch_add(&rt_counters.heap_freed, 1);
        forgotten++;
    }
    return forgotten;
}

void rt_heap_atfork_child(void)
{
    if (atomic_load(&rt_heap_lock))
        atomic_store(&rt_heap_lock, 0);
}
