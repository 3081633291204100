#include <stdio.h>
#include "ab.h"

struct AB ab;

void foo(struct A *a)
{
    a->i++;
    a->j++;
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
    printf("v1 i=%d j=%d calls=%ld\n", ab.a.i, ab.a.j, total);
    fflush(stdout);
}
