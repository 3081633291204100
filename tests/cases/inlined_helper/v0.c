/* gcc -O2 inlines the small static helper into both callers: changing the
 * helper changes them too (checked in the binary built from v0.c). */
#include <stdio.h>
#include <stdlib.h>

static int scale(int x)
{
    return x * 3 + 1;
}

int convert(int v)
{
    return scale(v) - 2;
}

void serve(int n)
{
    for (;;) {
        n = scale(n) % 1000;
        if (n == 7)
            printf("%d\n", n);
    }
}

/* main reaches them through pointers, so that nothing is inlined into main */
int (*volatile convert_fn)(int) = convert;
void (*volatile serve_fn)(int) = serve;

int main(int argc, char **argv)
{
    printf("%d\n", convert_fn(argc));
    if (argc > 3)
        serve_fn(atoi(argv[1]));
    return 0;
}
