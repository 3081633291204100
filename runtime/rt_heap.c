/*
 * rt_heap.c -- the map from a heap object to its pair (paper 3.1.2, 3.2.1).
 *
 * Tracing code in a pre-update callback registers old/new heap objects in
 * pairs; sync functions translate pointers between the two worlds with
 * polus_counterpart and, on a miss, allocate the counterpart and register
 * it.  So lookups run inside signal handlers, in any thread, at the same
 * time as inserts: an open-addressing table keyed by the object's address,
 * read without locks; inserts take a bounded try-lock and, when the table
 * is half full, publish a copy twice the size (old tables are not freed: a
 * reader may still be in one).
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

static void put(struct heap_table *t, uintptr_t key, struct rt_item *it)
{
    size_t mask = t->cap - 1;
    for (size_t i = hash_ptr(key) & mask;; i = (i + 1) & mask) {
        uintptr_t k = atomic_load(&t->slot[i].key);
        if (k == key) {
            atomic_store(&t->slot[i].item, it);   /* re-registered: the newest pair wins */
            return;
        }
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
            if (k)
                put(n, k, atomic_load(&t->slot[i].item));
        }
        atomic_store(&table, n);
        t = n;
    }
    put(t, (uintptr_t)it->addr[SIDE_OLD], it);
    put(t, (uintptr_t)it->addr[SIDE_NEW], it);
    rt_unlock(&rt_heap_lock);
    return 0;
}

static struct rt_item *lookup(uintptr_t key)
{
    struct heap_table *t = atomic_load(&table);
    if (!t || !key)
        return NULL;
    size_t mask = t->cap - 1;
    for (size_t i = hash_ptr(key) & mask, n = 0; n < t->cap; i = (i + 1) & mask, n++) {
        uintptr_t k = atomic_load(&t->slot[i].key);
        if (k == 0)
            return NULL;
        if (k == key)
            return atomic_load(&t->slot[i].item);
    }
    return NULL;
}

POLUS_EXPORT void *polus_counterpart(const void *obj)
{
    struct rt_item *it = lookup((uintptr_t)obj);
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
    struct heap_table *t = atomic_load(&table);
    return t ? t->used / 2 : 0;
}

void rt_heap_atfork_child(void)
{
    atomic_store(&rt_heap_lock, 0);
}
