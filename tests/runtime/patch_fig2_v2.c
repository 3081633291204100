/*
 * The second patch of a chain: fig2 v1 -> v2 (struct A gains k).  Its old
 * side is the first patch's new side: ab_v1, bar_v1 and report_v1 are
 * imported from the library of fig2-v1 (rt_driver fills them in).
 */
#include <stdio.h>

#include "polus.h"

struct A_v1 { int i; int j; };
struct AB_v1 { struct A_v1 a; int b; };
struct A_v2 { int i; int j; int k; };
struct AB_v2 { struct A_v2 a; int b; };

POLUS_EXPORT struct polus_import polus_imports[3];
#define POLUS_OLD_ab_v1 (*(struct AB_v1 *)polus_imports[0].addr)

POLUS_EXPORT struct AB_v2 ab_v2;
POLUS_EXPORT void bar_v2(void);

void bar_v2(void)
{
    ab_v2.a.i++;
    ab_v2.a.j++;
    ab_v2.a.k++;
}

static void o2n_ab(void *dst, const void *src)
{
    struct AB_v2 *d = dst;
    const struct AB_v1 *s = src;
    d->a.i = s->a.i;
    d->a.j = s->a.j;
    d->b = s->b;
}

static void n2o_ab(void *dst, const void *src)
{
    struct AB_v1 *d = dst;
    const struct AB_v2 *s = src;
    d->a.i = s->a.i;
    d->a.j = s->a.j;
    d->b = s->b;
}

POLUS_EXPORT int register_patch(void);

int register_patch(void)
{
    int p = polus_begin_patch("fig2", "fig2-v2", 1, 2, POLUS_ABI_VERSION);
    if (p < 0)
        return -1;
    int ob = polus_register_old_function(p, "bar", polus_imports[1].addr, polus_imports[1].size, 0);
    int orp = polus_register_old_function(p, "report", polus_imports[2].addr, polus_imports[2].size, 0);
    int nb = polus_register_new_function(p, "bar", (void *)bar_v2, 0);
    polus_map_function(p, ob, nb);
    int d = polus_register_data(p, "ab", &POLUS_OLD_ab_v1, sizeof(struct AB_v1), &ab_v2, sizeof ab_v2,
                                o2n_ab, n2o_ab, 0);
    polus_map_f2d(p, ob, d);
    polus_map_f2d(p, orp, d);
    return polus_end_patch(p) == 0 ? p : -1;
}
