#include <stdio.h>
#include "ab.h"

struct AB ab;

void foo(struct A *a)
{
    a->i++;
    a->j++;
    a->k += 2;
}

void bar(void)
{
    foo(&ab.a);
}

void report(void)
{
    long total = 0;
    for (int t = 0; t < NTHREADS; t++)
        total += calls[t];
    printf("v2 i=%d j=%d k=%d calls=%ld\n", ab.a.i, ab.a.j, ab.a.k, total);
    fflush(stdout);
}
