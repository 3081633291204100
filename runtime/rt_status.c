/*
 * rt_status.c -- polus_rt_status_json(): everything the injector (or a
 * person) needs to know about the updates in this process, as JSON in a
 * static buffer (no malloc: the injector calls it with every other thread
 * stopped).  Redirects carry the bytes the jumps overwrote, in hex, so an
 * injector that restarted can still roll back.
 */
#include "rt_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define STATUS_SIZE (1u << 20)
#define STATUS_MAX_HEAP_LISTED 64

static char buf[STATUS_SIZE];
static size_t len;
static int overflow;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void out(const char *fmt, ...)
{
    if (overflow)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + len, sizeof buf - len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf - len)
        overflow = 1;
    else
        len += (size_t)n;
}

static void out_str(const char *s)
{
    out("\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && !overflow; p++) {
        if (*p == '"' || *p == '\\')
            out("\\%c", *p);
        else if (*p < 0x20)
            out("\\u%04x", *p);
        else
            out("%c", *p);
    }
    out("\"");
}

static void out_addr(const void *a)
{
    out("\"%#lx\"", (unsigned long)(uintptr_t)a);
}

static void out_fn(const struct rt_fn *f, int tracked)
{
    out("{\"name\": ");
    out_str(f->name);
    out(", \"addr\": ");
    out_addr((const void *)f->addr);
    out(", \"size\": %zu, \"never_left\": %s, \"tracked\": %s, \"active\": %s, \"threads\": [",
        f->size, (f->flags & POLUS_FN_NEVER_LEFT) ? "true" : "false", tracked ? "true" : "false",
        tracked && f->active ? "true" : "false");
    int n = tracked && f->active ? (f->nthreads < RT_FN_THREADS ? f->nthreads : RT_FN_THREADS) : 0;
    for (int i = 0; i < n; i++)
        out("%s%ld", i ? ", " : "", f->tids[i]);
    out("]");
    if (f->mapped >= 0)
        out(", \"redirected_to\": %d", f->mapped);
    out("}");
}

static void out_item(const struct rt_item *it)
{
    int st = atomic_load(&it->state);
    out("{\"id\": %d, \"name\": ", it->id);
    out_str(it->name);
    out(", \"old\": ");
    out_addr(it->addr[SIDE_OLD]);
    out(", \"old_size\": %zu, \"new\": ", it->size[SIDE_OLD]);
    out_addr(it->addr[SIDE_NEW]);
    out(", \"new_size\": %zu, \"state\": \"%s\", \"readonly\": %s, \"heap\": %s, \"syncs\": %lu, \"users\": [",
        it->size[SIDE_NEW], rt_item_state_name(st), (it->flags & POLUS_DATA_READONLY) ? "true" : "false",
        (it->flags & POLUS_DATA_HEAP) ? "true" : "false", (unsigned long)atomic_load(&it->syncs));
    for (int u = 0; u < it->nusers; u++)
        out("%s%d", u ? ", " : "", it->users[u]);
    out("]}");
}

static void out_patch(int id)
{
    const struct rt_patch *p = &rt_patches[id];
    int rolling = p->state == PS_ROLLING_BACK;
    int tracking = p->state == PS_ACTIVE || p->state == PS_TERMINATED || rolling;
    out("{\"id\": %d, \"name\": ", id);
    out_str(p->name);
    out(", \"program\": ");
    out_str(p->program);
    out(", \"from_version\": %d, \"to_version\": %d, \"state\": \"%s\", \"rollbacks\": %d",
        p->from_version, p->to_version, rt_patch_state_name(p->state), p->rollbacks);

    out(", \"old_functions\": [");
    for (int i = 0; i < p->noldf; i++) {
        out("%s", i ? ", " : "");
        out_fn(&p->oldf[i], tracking && !rolling);
    }
    out("], \"new_functions\": [");
    for (int i = 0; i < p->nnewf; i++) {
        out("%s", i ? ", " : "");
        out_fn(&p->newf[i], rolling);
    }
    /* the functions still waited for: old ones, or new ones while rolling back */
    out("], \"active_functions\": [");
    const struct rt_fn *fns = rolling ? p->newf : p->oldf;
    int nf = rolling ? p->nnewf : p->noldf, first = 1;
    for (int i = 0; tracking && i < nf; i++) {
        if (!fns[i].active)
            continue;
        out("%s{\"name\": ", first ? "" : ", ");
        out_str(fns[i].name);
        out(", \"threads\": [");
        int n = fns[i].nthreads < RT_FN_THREADS ? fns[i].nthreads : RT_FN_THREADS;
        for (int k = 0; k < n; k++)
            out("%s%ld", k ? ", " : "", fns[i].tids[k]);
        out("], \"thread_count\": %d}", fns[i].nthreads);
        first = 0;
    }
    out("], \"never_left\": [");
    first = 1;
    for (int i = 0; i < p->noldf; i++) {
        if (!(p->oldf[i].flags & POLUS_FN_NEVER_LEFT))
            continue;
        out("%s", first ? "" : ", ");
        out_str(p->oldf[i].name);
        first = 0;
    }
    out("], \"data\": [");
    for (int d = 0; d < p->ndata; d++) {
        struct rt_item *it = rt_item_at(p->data[d]);
        if (!it)
            continue;
        out("%s", d ? ", " : "");
        out_item(it);
    }
    out("], \"synchronized_data\": [");
    first = 1;
    for (int d = 0; d < p->ndata; d++) {
        struct rt_item *it = rt_item_at(p->data[d]);
        if (!it || atomic_load(&it->state) != IS_SYNCED)
            continue;
        out("%s", first ? "" : ", ");
        out_str(it->name);
        first = 0;
    }
    /* heap pairs: counted, and the first few listed */
    int nheap = 0, nheap_synced = 0, listed = 0;
    out("], \"heap_pairs\": [");
    for (int i = 0, n = atomic_load(&rt_nitems); i < n; i++) {
        struct rt_item *it = rt_item_at(i);
        if (!it || !atomic_load(&it->ready) || it->patch != id || !(it->flags & POLUS_DATA_HEAP))
            continue;
        nheap++;
        if (atomic_load(&it->state) == IS_SYNCED)
            nheap_synced++;
        if (listed < STATUS_MAX_HEAP_LISTED) {
            out("%s", listed ? ", " : "");
            out_item(it);
            listed++;
        }
    }
    out("], \"heap_pair_count\": %d, \"heap_pairs_synchronized\": %d", nheap, nheap_synced);
    out(", \"redirects\": [");
    for (int r = 0; r < p->nredir; r++) {
        const struct rt_redirect *rd = &p->redir[r];
        out("%s{\"at\": ", r ? ", " : "");
        out_addr((const void *)rd->at);
        out(", \"target\": ");
        out_addr((const void *)rd->target);
        out(", \"len\": %u, \"orig\": \"", rd->len);
        for (unsigned k = 0; k < rd->len; k++)
            out("%02x", rd->orig[k]);
        out("\", \"code\": \"");
        for (unsigned k = 0; rd->code[0] && k < rd->len; k++)
            out("%02x", rd->code[k]);
        out("\"}");
    }
    out("], \"thread_callbacks\": %d, \"post_update_fired\": %s}", p->nthread_seen,
        p->post_fired ? "true" : "false");
}

POLUS_EXPORT const char *polus_rt_status_json(void)
{
    len = 0;
    overflow = 0;
    out("{\"abi\": %d, \"pid\": %d, \"handlers_installed\": %s, \"page_size\": %zu",
        POLUS_ABI_VERSION, (int)getpid(), rt_handlers_installed() ? "true" : "false", rt_pagesize);
    out(", \"protected_pages\": %lu, \"heap_pairs\": %lu", rt_protected_pages(), rt_heap_count());
    out(", \"counters\": {\"trapped_writes\": %lu, \"false_sharing_faults\": %lu, \"syncs\": %lu,"
        " \"chained_faults\": %lu, \"spurious_traps\": %lu, \"sync_faults\": %lu,"
        " \"handler_reinstalls\": %lu, \"lock_timeouts\": %lu, \"emulated_stores\": %lu, \"windows\": %lu,"
        " \"heap_pairs_freed\": %lu, \"reads_bounced\": %lu, \"switches_without_injector\": %lu,"
        " \"threads_parked\": %lu}",
        (unsigned long)atomic_load(&rt_counters.trapped_writes),
        (unsigned long)atomic_load(&rt_counters.false_sharing),
        (unsigned long)atomic_load(&rt_counters.syncs),
        (unsigned long)atomic_load(&rt_counters.chained_faults),
        (unsigned long)atomic_load(&rt_counters.spurious_traps),
        (unsigned long)atomic_load(&rt_counters.sync_faults),
        (unsigned long)atomic_load(&rt_counters.handler_reinstalls),
        (unsigned long)atomic_load(&rt_counters.lock_timeouts),
        (unsigned long)atomic_load(&rt_counters.emulated_stores),
        (unsigned long)atomic_load(&rt_counters.windows),
        (unsigned long)atomic_load(&rt_counters.heap_freed),
        (unsigned long)atomic_load(&rt_counters.reads_bounced),
        (unsigned long)atomic_load(&rt_counters.switches_alone),
        (unsigned long)atomic_load(&rt_counters.threads_parked));
    int thread_slots;
    size_t slot_bytes = rt_wt_slots_bytes(&thread_slots);
    out(", \"hooked_got_slots\": %d, \"memory\": {\"records\": %ld, \"reclaimable\": %ld, \"item_slots\": %d,"
        " \"thread_slots\": %d, \"thread_slot_bytes\": %zu}", rt_hook_count(), rt_mem_in_use() - (long)slot_bytes,
        rt_reclaimable(), atomic_load(&rt_nitems), thread_slots, slot_bytes);
    int op = atomic_load(&rt_txn.op);
    if (op != RT_TXN_NONE)
        out(", \"transaction\": {\"op\": \"%s\", \"patch\": %d, \"tid\": %ld}",
            op == RT_TXN_COMMIT ? "commit" : "rollback", rt_txn.patch, rt_txn.tid);
    out(", \"hazards\": [\"a system call writing into a protected page fails with EFAULT instead of"
        " faulting: the libc calls that hand the kernel a buffer to write (read, recvmsg, poll, stat,"
        " ...: rt_hooks.c) are bounced when called through a hooked GOT; a raw syscall or a call from"
        " inside libc (stdio) is not\", \"a write the fault handler cannot emulate (AVX, string"
        " store, bit test) opens its page for every thread: another thread's write to a live copy on"
        " that page meanwhile is carried across late (counter: windows)\", \"free() of a heap pair's"
        " object through a hooked GOT takes the pair out first; a free from inside another library is"
        " seen as a write to the pair\"]");
    out(", \"patches\": [");
    int n = atomic_load(&rt_npatches);
    for (int i = 0, listed = 0; i < n; i++) {
        if (rt_patches[i].state == PS_FREE)     /* unloaded */
            continue;
        out("%s", listed++ ? ", " : "");
        out_patch(i);
    }
    out("]}");
    if (overflow) {
        /* too much to say: the essentials only */
        len = 0;
        overflow = 0;
        out("{\"abi\": %d, \"pid\": %d, \"truncated\": true, \"patches\": [", POLUS_ABI_VERSION, (int)getpid());
        for (int i = 0, listed = 0; i < n; i++) {
            if (rt_patches[i].state == PS_FREE)
                continue;
            out("%s{\"id\": %d, \"name\": ", listed++ ? ", " : "", i);
            out_str(rt_patches[i].name);
            out(", \"state\": \"%s\"}", rt_patch_state_name(rt_patches[i].state));
        }
        out("]}");
    }
    return buf;
}
