#include <stdio.h>
#include <stdlib.h>

/* gcc -O2 keeps neither in memory: err is only written, verbose never
 * written (a constant); the binary has no symbol, so no storage, for either */
static int err;
static int verbose = 1;

__attribute__((noinline)) int report(int v)
{
    err = v < 0;
    if (verbose)
        printf("value %d (%s)\n", v, err ? "bad" : "ok");
    return v;
}

int main(void)
{
    char line[64];
    setvbuf(stdout, NULL, _IOLBF, 0);
    puts("ready");
    while (fgets(line, sizeof line, stdin))
        report(atoi(line));
    return 0;
}
