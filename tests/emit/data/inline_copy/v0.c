/* A changed function calls a small static helper that gcc -O2 inlined
 * everywhere: the running binary has no symbol to import it from. */
#include <stdio.h>

static int scale(int x)
{
    return x * 5 + 1;
}

int convert(int v)
{
    return scale(v) - 2;
}

int main(int argc, char **argv)
{
    (void)argv;
    printf("%d\n", convert(argc));
    return 0;
}
