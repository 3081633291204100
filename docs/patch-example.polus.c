/*
 * A patch as polusgen writes it: the paper's Fig. 2, v0 -> v1
 * (tests/cases/fig2).  Written by hand: the runtime's tests run it
 * (tests/runtime) and tests/runtime/test_abi.py checks it against
 * runtime/polus.h.
 *
 * struct A gains j  => struct A and struct AB change (AB contains A),
 * ab (a struct AB) changes, foo's signature changes (it takes struct A *)
 * so foo is added as foo_v1, bar calls foo so bar changes, report uses ab.
 */

/* ---- 1. the system headers the program included (the real ones) ---- */
#include <stdio.h>
#include <pthread.h>
#include <semaphore.h>
#include <unistd.h>

#include "polus.h"

/* ---- 2. the program's declarations the patch needs ---- */
/* old version, under their own names */
struct A { int i; };
struct AB { struct A a; int b; };
/* new version of the changed types, renamed */
struct A_v1 { int i; int j; };
struct AB_v1 { struct A_v1 a; int b; };

/* ---- 3. imports: symbols of the running program, filled by the injector ---- */
POLUS_EXPORT struct polus_import polus_imports[4];
#define POLUS_OLD_ab      (*(struct AB *)polus_imports[0].addr)
#define POLUS_OLD_calls   (*(long (*)[4])polus_imports[1].addr)
#define POLUS_OLD_bar     ((void (*)(void))polus_imports[2].addr)
#define POLUS_OLD_report  ((void (*)(void))polus_imports[3].addr)

/* ---- 4. new and changed globals, with their new initial values ---- */
POLUS_EXPORT struct AB_v1 ab_v1;

/* ---- 5. added and changed functions ---- */
POLUS_EXPORT void foo_v1(struct A_v1 *a);
POLUS_EXPORT void bar_v1(void);
POLUS_EXPORT void report_v1(void);

void foo_v1(struct A_v1 *a)
{
    a->i++;
    a->j++;
}

void bar_v1(void)
{
    foo_v1(&ab_v1.a);
}

void report_v1(void)
{
    long total = 0;
    for (int t = 0; t < 4; t++)
        total += POLUS_OLD_calls[t];
    printf("v1 i=%d j=%d calls=%ld\n", ab_v1.a.i, ab_v1.a.j, total);
    fflush(stdout);
}

/* ---- 6. state synchronization, both directions ---- */
static void polus_o2n_struct_A(struct A_v1 *dst, const struct A *src)
{
    dst->i = src->i;
}

static void polus_n2o_struct_A(struct A *dst, const struct A_v1 *src)
{
    dst->i = src->i;
}

static void polus_o2n_struct_AB(struct AB_v1 *dst, const struct AB *src)
{
    polus_o2n_struct_A(&dst->a, &src->a);
    dst->b = src->b;
}

static void polus_n2o_struct_AB(struct AB *dst, const struct AB_v1 *src)
{
    polus_n2o_struct_A(&dst->a, &src->a);
    dst->b = src->b;
}

static void polus_o2n_ab(void *dst, const void *src)
{
    polus_o2n_struct_AB((struct AB_v1 *)dst, (const struct AB *)src);
}

static void polus_n2o_ab(void *dst, const void *src)
{
    polus_n2o_struct_AB((struct AB *)dst, (const struct AB_v1 *)src);
}

/* ---- 7. registration ---- */
POLUS_EXPORT int register_patch(void);

int register_patch(void)
{
    int p = polus_begin_patch("fig2", "fig2-v1", 0, 1, POLUS_ABI_VERSION);
    if (p < 0)
        return -1;
    /* old functions (ids in manifest order) */
    int of_bar = polus_register_old_function(p, "bar", polus_imports[2].addr, polus_imports[2].size, 0);
    int of_report = polus_register_old_function(p, "report", polus_imports[3].addr, polus_imports[3].size, 0);
    /* new functions */
    int nf_foo = polus_register_new_function(p, "foo", (void *)foo_v1, 0);
    int nf_bar = polus_register_new_function(p, "bar", (void *)bar_v1, 0);
    int nf_report = polus_register_new_function(p, "report", (void *)report_v1, 0);
    (void)nf_foo;  /* added: foo's signature changed, old callers keep old foo */
    polus_map_function(p, of_bar, nf_bar);
    polus_map_function(p, of_report, nf_report);
    /* data */
    int d_ab = polus_register_data(p, "ab", &POLUS_OLD_ab, sizeof(struct AB),
                                   &ab_v1, sizeof(struct AB_v1),
                                   polus_o2n_ab, polus_n2o_ab, 0);
    /* f2d: old functions that use changed data */
    polus_map_f2d(p, of_bar, d_ab);
    polus_map_f2d(p, of_report, d_ab);
    return polus_end_patch(p) == 0 ? p : -1;
}

/* ---- 8. manifest (read by the injector from this section) ---- */
__attribute__((section(".polus_manifest"), used))
static const char polus_manifest[] =
    "{\"program\": \"fig2\", \"name\": \"fig2-v1\", \"from_version\": 0, \"to_version\": 1,"
    " \"binary\": {\"path\": null, \"build_id\": null, \"sha256\": null}, \"requires\": [],"
    " \"imports\": [{\"name\": \"ab\", \"kind\": \"data\", \"file\": null, \"lib\": null},"
    " {\"name\": \"calls\", \"kind\": \"data\", \"file\": null, \"lib\": null},"
    " {\"name\": \"bar\", \"kind\": \"function\", \"file\": null, \"lib\": null},"
    " {\"name\": \"report\", \"kind\": \"function\", \"file\": null, \"lib\": null}],"
    " \"old_functions\": [{\"name\": \"bar\", \"import_index\": 2, \"never_left\": false},"
    " {\"name\": \"report\", \"import_index\": 3, \"never_left\": false}],"
    " \"new_functions\": [{\"name\": \"foo\", \"symbol\": \"foo_v1\", \"stub\": false},"
    " {\"name\": \"bar\", \"symbol\": \"bar_v1\", \"stub\": false},"
    " {\"name\": \"report\", \"symbol\": \"report_v1\", \"stub\": false}],"
    " \"redirects\": [{\"old\": 0, \"new\": 1}, {\"old\": 1, \"new\": 2}],"
    " \"data\": [{\"name\": \"ab\", \"old_import\": 0, \"new_symbol\": \"ab_v1\", \"readonly\": false}],"
    " \"f2d\": [[0, 0], [1, 0]], \"warnings\": [], \"abi\": 2}";
