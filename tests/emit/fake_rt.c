/* A minimal stand-in for the runtime (runtime/polus.h, section 2) that only
 * records what a patch registers, so tests can call the generated sync
 * functions and callbacks directly.  Test scaffolding, not the runtime. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "polus.h"
#include "fake_rt.h"

static struct fake_data datas[256];
static int ndata;
static struct fake_heap heaps[4096];
static int nheap;
static struct polus_callbacks callbacks;
static int nold, nnew, nmap, nf2d, cur_patch = -1;
static int maps[256][2];

int polus_begin_patch(const char *program, const char *name, int from_version, int to_version, unsigned abi)
{
    (void)program; (void)name; (void)from_version; (void)to_version;
    if (abi != POLUS_ABI_VERSION)
        return -1;
    cur_patch = 7;
    return cur_patch;
}

int polus_register_old_function(int patch, const char *name, void *addr, size_t size, unsigned flags)
{
    (void)patch; (void)name; (void)addr; (void)size; (void)flags;
    return nold++;
}

int polus_register_new_function(int patch, const char *name, void *addr, unsigned flags)
{
    (void)patch; (void)name; (void)addr; (void)flags;
    return nnew++;
}

void polus_map_function(int patch, int old_fn, int new_fn)
{
    (void)patch;
    maps[nmap][0] = old_fn;
    maps[nmap][1] = new_fn;
    nmap++;
}

int polus_register_data(int patch, const char *name, void *old_addr, size_t old_size, void *new_addr,
                        size_t new_size, polus_sync_fn o2n, polus_sync_fn n2o, unsigned flags)
{
    (void)patch;
    struct fake_data *d = &datas[ndata];
    d->name = name; d->old_addr = old_addr; d->old_size = old_size; d->new_addr = new_addr;
    d->new_size = new_size; d->o2n = o2n; d->n2o = n2o; d->flags = flags;
    return ndata++;
}

void polus_map_f2d(int patch, int old_fn, int data) { (void)patch; (void)old_fn; (void)data; nf2d++; }

void polus_set_callbacks(int patch, const struct polus_callbacks *cb) { (void)patch; callbacks = *cb; }

int polus_end_patch(int patch) { return patch == cur_patch ? 0 : -1; }

int polus_register_heap(int patch, const char *type_name, void *old_obj, size_t old_size, void *new_obj,
                        size_t new_size, polus_sync_fn o2n, polus_sync_fn n2o)
{
    (void)patch;
    struct fake_heap *h = &heaps[nheap];
    h->type_name = type_name; h->old_obj = old_obj; h->old_size = old_size; h->new_obj = new_obj;
    h->new_size = new_size; h->o2n = o2n; h->n2o = n2o;
    return nheap++;
}

void *polus_counterpart(const void *obj)
{
    for (int i = 0; i < nheap; i++) {
        if (heaps[i].old_obj == obj)
            return heaps[i].new_obj;
        if (heaps[i].new_obj == obj)
            return heaps[i].old_obj;
    }
    return NULL;
}

int polus_current_patch(void) { return cur_patch; }

void polus_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

/* ---- for the tests ---- */
struct fake_data *fake_data(const char *name)
{
    for (int i = 0; i < ndata; i++)
        if (strcmp(datas[i].name, name) == 0)
            return &datas[i];
    return NULL;
}

struct fake_heap *fake_heap_of(const void *obj)
{
    for (int i = 0; i < nheap; i++)
        if (heaps[i].old_obj == obj || heaps[i].new_obj == obj)
            return &heaps[i];
    return NULL;
}

int fake_heap_count(void) { return nheap; }
const struct polus_callbacks *fake_callbacks(void) { return &callbacks; }
int fake_counts(int what) { return what == 0 ? nold : what == 1 ? nnew : what == 2 ? nmap : nf2d; }
