/* Chain consistency, minimal form (issue 10): loop() polls config.quit and
 * never leaves while the process runs; the SIGTERM handler sets it.  v1
 * changes struct conf and loop, v2 changes struct conf again and the
 * handler: after v1 and v2 are applied to a running v0, the handler writes
 * the v2 copy, and the v0 loop, still running, must see it. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

struct conf {
    int quit;
    int pause_us;
    int loops;
};

struct conf config = {0, 1000, 0};
volatile unsigned long ticks;

static void on_term(int sig)
{
    (void)sig;
    config.quit = 1;
}

__attribute__((noinline)) void loop(void)
{
    while (!config.quit) {
        ticks++;
        config.loops++;
        usleep(config.pause_us);
    }
}

int main(void)
{
    signal(SIGTERM, on_term);
    printf("ready\n");
    fflush(stdout);
    loop();
    printf("bye\n");
    fflush(stdout);
    return 0;
}
