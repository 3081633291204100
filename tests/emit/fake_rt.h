/* What tests/emit/fake_rt.c records (test scaffolding). */
#ifndef FAKE_RT_H
#define FAKE_RT_H
#include "polus.h"

struct fake_data {
    const char *name;
    void *old_addr, *new_addr;
    size_t old_size, new_size;
    polus_sync_fn o2n, n2o;
    unsigned flags;
};

struct fake_heap {
    const char *type_name;
    void *old_obj, *new_obj;
    size_t old_size, new_size;
    polus_sync_fn o2n, n2o;
};

struct fake_data *fake_data(const char *name);
struct fake_heap *fake_heap_of(const void *obj);
int fake_heap_count(void);
const struct polus_callbacks *fake_callbacks(void);
int fake_counts(int what);   /* 0 old functions, 1 new functions, 2 redirects, 3 f2d edges */
int register_patch(void);
#endif
