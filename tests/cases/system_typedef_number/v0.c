/* A member changes between a plain number and a system typedef of one
 * (dropbear 0.50's `long lastkextime` -> `time_t`, 0.52's `time_t
 * keepalive_secs` -> `unsigned int`): the sync functions copy it as a number,
 * and the patch's build checks that the real header's time_t is one
 * (stdin: "set N", "show"). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct clock {
    long last;
    time_t keep;
    int n;
};

struct clock clk;

__attribute__((noinline)) void set(long v)
{
    clk.last = v;
    clk.keep = (time_t)(v * 2);
    clk.n++;
}

__attribute__((noinline)) void show(void)
{
    printf("v0 last=%ld keep=%ld n=%d\n", clk.last, (long)clk.keep, clk.n);
}

int main(void)
{
    char line[64];

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        if (line[0] == 's' && line[1] == 'e')
            set(atol(line + 4)), show();
        else
            show();
    }
    return 0;
}
