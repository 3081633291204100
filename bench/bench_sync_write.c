/*
 * bench_sync_write.c -- what one synchronized write costs.
 *
 * Loads libpolus_rt.so and the reference patch (docs/patch-example.polus.c)
 * into this process as the injector would, then times, side by side:
 *   plain   a write to an untracked global
 *   synced  a write to the old copy of ab: fault, single-step, re-protect,
 *           old->new sync
 *   shared  a write to untracked data on ab's page (false sharing: fault and
 *           single-step, no sync)
 *   back    a write to the new copy ab_v1 (new->old)
 * and prints one line per measure: "name ns_per_write count".
 *
 *   bench_sync_write RUNTIME.so PATCH.so [N_SYNCED]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "polus.h"

struct AB { struct { int i; } a; int b; };
struct AB_v1 { struct { int i, j; } a; int b; };

struct page_block {
    struct AB ab;
    int neighbour;
} __attribute__((aligned(4096)));
struct page_block blk;
long calls[4];
volatile int plain_target;

__attribute__((noinline)) void bar(void) { blk.ab.a.i++; }
__attribute__((noinline)) void report(void) { }

static void *sym(void *h, const char *name)
{
    void *p = dlsym(h, name);
    if (!p) {
        fprintf(stderr, "%s\n", dlerror());
        exit(2);
    }
    return p;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void report_line(const char *name, double ns, long n)
{
    printf("%s %.1f %ld\n", name, ns / (double)n, n);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    long n_synced = argc > 3 ? atol(argv[3]) : 20000;
    long n_plain = 10000000;
    void *rt = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
    void *patch = rt ? dlopen(argv[2], RTLD_NOW) : NULL;   /* as the injector loads patches */
    if (!patch) {
        fprintf(stderr, "%s\n", dlerror());
        return 2;
    }
    struct polus_import *imp = sym(patch, "polus_imports");
    imp[0] = (struct polus_import){&blk.ab, sizeof blk.ab};
    imp[1] = (struct polus_import){calls, sizeof calls};
    imp[2] = (struct polus_import){(void *)bar, 32};
    imp[3] = (struct polus_import){(void *)report, 32};
    int p = ((int (*)(void))sym(patch, "register_patch"))();
    if (p < 0 || ((int (*)(int))sym(rt, "polus_rt_pre_update"))(p) != 0 ||
        ((int (*)(int))sym(rt, "polus_rt_activate"))(p) != 0)
        return 3;
    volatile struct AB *old = &blk.ab;
    volatile struct AB_v1 *new_ = sym(patch, "ab_v1");
    volatile int *shared = &blk.neighbour;

    double t0 = now_ns();
    for (long k = 0; k < n_plain; k++)
        plain_target = (int)k;
    report_line("plain", now_ns() - t0, n_plain);

    t0 = now_ns();
    for (long k = 0; k < n_synced; k++)
        old->a.i = (int)k;
    report_line("synced", now_ns() - t0, n_synced);
    if (new_->a.i != (int)(n_synced - 1))
        return 4;   /* the writes must really have been carried across */

    t0 = now_ns();
    for (long k = 0; k < n_synced; k++)
        *shared = (int)k;
    report_line("shared", now_ns() - t0, n_synced);

    t0 = now_ns();
    for (long k = 0; k < n_synced; k++)
        new_->a.i = (int)k;
    report_line("back", now_ns() - t0, n_synced);
    if (old->a.i != (int)(n_synced - 1))
        return 4;
    return 0;
}
