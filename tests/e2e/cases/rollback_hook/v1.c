/* A banner made once at start-up, on the heap (stdin: any line prints it).
 * v1 says 1.1: only user code can point the running banner at the new text
 * (user.c, at the update), and only user code can point it back at a
 * rollback (user_polus_rollback). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *banner;

__attribute__((noinline)) void greet(void)
{
    printf("%s!\n", banner);
}

int main(void)
{
    char line[64];

    banner = strdup("prog 1.1");
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin))
        greet();
    return 0;
}
