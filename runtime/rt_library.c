/*
 * rt_library.c -- every apply of a patch starts from the library's data as
 * its first dlopen left it.
 *
 * A patch library is never unloaded (polus_rt_unload says why), so an apply
 * of the same patch after its rollback runs on the instance the first apply
 * loaded, whose .data and .bss still hold what that apply's life wrote: the
 * new copies of changed globals (a member the patch adds would keep its
 * value), the globals the patch adds, its statics.  The injector hands us
 * the library's writable segments right after dlopen, before it writes
 * anything there (polus_imports): the first time we keep a copy of them
 * (relocated, constructors run, nothing of ours written yet), every later
 * time we put that copy back.  The new data is then built from the old data
 * and the patch's initializers, exactly as on the first apply.  (The copy
 * costs the segments' size once per patch library for the life of the
 * process, like the library itself.)
 */
#include "rt_internal.h"

#include <string.h>

struct rt_segment_copy {
    uintptr_t at;
    size_t len;
    unsigned char *bytes;
};

struct rt_library_copy {
    int nseg;
    struct rt_segment_copy seg[POLUS_RT_MAX_SEGMENTS];
};

static struct rt_library_copy *copies;
static int ncopies, capcopies;

static struct rt_library_copy *find_copy(const struct polus_rt_segment *segs, unsigned n)
{
    for (int i = 0; i < ncopies; i++) {
        struct rt_library_copy *c = &copies[i];
        if (c->nseg == (int)n && c->seg[0].at == segs[0].at && c->seg[0].len == segs[0].len)
            return c;
    }
    return NULL;
}

POLUS_EXPORT int polus_rt_fresh_data(const struct polus_rt_segment *segs, unsigned n)
{
    if (!segs || n == 0 || n > POLUS_RT_MAX_SEGMENTS)
        return -1;
    struct rt_library_copy *c = find_copy(segs, n);
    if (c) {
        /* through /proc/self/mem: nothing of an unloaded patch is tracked,
         * but a page may still carry a protection we have not taken off yet */
        int fd = rt_mem_fd();
        for (int i = 0; i < c->nseg; i++) {
            struct rt_segment_copy *s = &c->seg[i];
            if (rt_mem_pwrite(fd, s->at, s->bytes, s->len) != 0)
                memcpy((void *)s->at, s->bytes, s->len);
        }
        return 1;
    }
    if (rt_grow((void **)&copies, &capcopies, ncopies + 1, sizeof *copies) != 0)
        return -1;
    struct rt_library_copy fresh = { .nseg = (int)n };
    for (unsigned i = 0; i < n; i++) {
        struct rt_segment_copy *s = &fresh.seg[i];
        s->at = (uintptr_t)segs[i].at;
        s->len = (size_t)segs[i].len;
        s->bytes = rt_alloc(s->len);
        if (!s->bytes)
            return -1;      /* (what was taken stays unused: this is rare and small) */
        memcpy(s->bytes, (const void *)s->at, s->len);
    }
    copies[ncopies++] = fresh;
    return 0;
}
