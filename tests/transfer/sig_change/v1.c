/* v1: serve takes a scale (a new signature: a new function; old callers keep
 * the old one), and main says which version answers. */
#include <stdio.h>
#include <unistd.h>

volatile int stop;
long total;

__attribute__((noinline)) void serve(int n, int scale)
{
    total += (long)n * scale;
}

static void step(int n)
{
    serve(n, 10);
    if (n < 0)
        puts("negative");
}

int main(void)
{
    char line[64];
    puts("ready");
    fflush(stdout);
    while (!stop && fgets(line, sizeof line, stdin)) {
        step(1);
        printf("v1 total=%ld\n", total);
        fflush(stdout);
    }
    return 0;
}
