/*
 * A changed global much bigger than a page (int[20000] -> long[20000]):
 * its sync opens more pages than a thread keeps copies of.  Imports: big.
 */
#include "polus.h"

#define N 20000

POLUS_EXPORT struct polus_import polus_imports[1];
POLUS_EXPORT long big_v1[N];

static void o2n(void *dst, const void *src)
{
    for (int k = 0; k < N; k++)
        ((long *)dst)[k] = ((const int *)src)[k];
}

static void n2o(void *dst, const void *src)
{
    for (int k = 0; k < N; k++)
        ((int *)dst)[k] = (int)((const long *)src)[k];
}

POLUS_EXPORT int register_patch(void);

int register_patch(void)
{
    int p = polus_begin_patch("big", "big-v1", 0, 1, POLUS_ABI_VERSION);
    if (p < 0)
        return -1;
    polus_register_data(p, "big", polus_imports[0].addr, N * sizeof(int), big_v1, sizeof big_v1, o2n, n2o, 0);
    return polus_end_patch(p) == 0 ? p : -1;
}
