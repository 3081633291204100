/*
 * A hand-written patch for the progress tests: three old functions (one
 * never left), four data items (one read-only) with f2d
 *     f -> d1, f -> d3, g -> d2, loop -> d3
 * and all six callbacks, which append what they saw to polus_test_log.
 * Imports (filled by rt_driver): f, g, loop, d1, d2, d3, d4.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "polus.h"

POLUS_EXPORT struct polus_import polus_imports[7];
POLUS_EXPORT char polus_test_log[4096];
POLUS_EXPORT long d1_v1, d2_v1, d3_v1, d4_v1;   /* int -> long */
POLUS_EXPORT void f_v1(void);
POLUS_EXPORT void g_v1(void);
POLUS_EXPORT void loop_v1(void);

void f_v1(void) { d1_v1++; d3_v1++; }
void g_v1(void) { d2_v1++; }
void loop_v1(void) { d3_v1 += 2; }

static void logf_(const char *what, const char *arg)
{
    size_t n = strlen(polus_test_log);
    snprintf(polus_test_log + n, sizeof polus_test_log - n, "%s%s%s;", what, arg ? ":" : "", arg ? arg : "");
}

static int cb_pre(void)
{
    logf_("pre", NULL);
    return getenv("PRE_REFUSE") ? 7 : 0;
}

static void cb_thread(long tid)
{
    char b[32];
    snprintf(b, sizeof b, "%ld", tid);
    logf_("thread", b);
}

static void cb_function(const char *name) { logf_("function", name); }

static void cb_data(const char *name, void *old_addr, void *new_addr)
{
    (void)old_addr; (void)new_addr;
    logf_("data", name);
}

static void cb_post(void) { logf_("post", NULL); }

static void cb_rollback(void)
{
    char b[32];
    snprintf(b, sizeof b, "patch %d d3_v1 %ld", polus_current_patch(), d3_v1);
    logf_("rollback", b);
}

static void o2n_int(void *dst, const void *src) { *(long *)dst = *(const int *)src; }
static void n2o_int(void *dst, const void *src) { *(int *)dst = (int)*(const long *)src; }

POLUS_EXPORT int register_patch(void);

int register_patch(void)
{
    static const struct polus_callbacks cb = { cb_pre, cb_thread, cb_function, cb_data, cb_post, cb_rollback };
    int p = polus_begin_patch("cbprog", "cbprog-v1", 0, 1, POLUS_ABI_VERSION);
    if (p < 0)
        return -1;
    int of = polus_register_old_function(p, "f", polus_imports[0].addr, polus_imports[0].size, 0);
    int og = polus_register_old_function(p, "g", polus_imports[1].addr, polus_imports[1].size, 0);
    int ol = polus_register_old_function(p, "loop", polus_imports[2].addr, polus_imports[2].size,
                                         POLUS_FN_NEVER_LEFT);
    int nf = polus_register_new_function(p, "f", (void *)f_v1, 0);
    int ng = polus_register_new_function(p, "g", (void *)g_v1, 0);
    int nl = polus_register_new_function(p, "loop", (void *)loop_v1, 0);
    polus_map_function(p, of, nf);
    polus_map_function(p, og, ng);
    polus_map_function(p, ol, nl);
    int d1 = polus_register_data(p, "d1", polus_imports[3].addr, sizeof(int), &d1_v1, sizeof(long), o2n_int, n2o_int, 0);
    int d2 = polus_register_data(p, "d2", polus_imports[4].addr, sizeof(int), &d2_v1, sizeof(long), o2n_int, n2o_int, 0);
    int d3 = polus_register_data(p, "d3", polus_imports[5].addr, sizeof(int), &d3_v1, sizeof(long), o2n_int, n2o_int, 0);
    polus_register_data(p, "d4", polus_imports[6].addr, sizeof(int), &d4_v1, sizeof(long), o2n_int, n2o_int,
                        POLUS_DATA_READONLY);
    polus_map_f2d(p, of, d1);
    polus_map_f2d(p, of, d3);
    polus_map_f2d(p, og, d2);
    polus_map_f2d(p, ol, d3);
    polus_set_callbacks(p, &cb);
    return polus_end_patch(p) == 0 ? p : -1;
}
