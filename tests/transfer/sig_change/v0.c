/* A never-left loop (main) whose static helper, inlined into it by gcc -O2,
 * calls a function whose signature the new version changes: the rollback's
 * old body (and its private copy of the helper) must call the old function
 * with its old arguments. */
#include <stdio.h>
#include <unistd.h>

volatile int stop;
long total;

__attribute__((noinline)) void serve(int n)
{
    total += n;
}

static void step(int n)
{
    serve(n);
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
        printf("v0 total=%ld\n", total);
        fflush(stdout);
    }
    return 0;
}
