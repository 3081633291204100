#include <stdio.h>

/* K&R-style definitions, as older compat code still has them */
int add(a, b)
    int a;
    int b;
{
    return a + b + 1;
}

static long twice(n)
{
    return 2L * n + 1;
}

int main(void)
{
    printf("%d %ld\n", add(1, 2), twice(4));
    return 0;
}
