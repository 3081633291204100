/* A member `void *data` becomes `const void *data` (dropbear 0.52's struct
 * Algo_Type): the same pointer, only its pointee gained a qualifier, so the
 * sync functions carry it as it is (stdin: "pick a|b", "show"). */
#include <stdio.h>

static int a = 42, b = 7;

struct algo {
    const void *data;
    char usable;
    const void *mode;
};

struct algo cur;

__attribute__((noinline)) void pick(char which)
{
    cur.data = which == 'b' ? &b : &a;
    cur.usable = 1;
}

__attribute__((noinline)) void show(void)
{
    printf("v1 data=%d usable=%d mode=%s\n", cur.data ? *(const int *)cur.data : -1, cur.usable,
           cur.mode ? "set" : "none");
}

int main(void)
{
    char line[64];

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        if (line[0] == 'p')
            pick(line[5]), show();
        else
            show();
    }
    return 0;
}
