#include <stdio.h>
#include "ab.h"

struct AB ab;

void foo(struct A *a)
{
    a->i++;
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
    printf("v0 i=%d calls=%ld\n", ab.a.i, total);
    fflush(stdout);
}
