/* A process that forks a child per stdin line; the child runs child_loop,
 * a while (1) whose only way out is a return on config.quit (set by
 * SIGTERM): never left.  A child forked after an update runs the new
 * child_loop, so a rollback cannot finish in it while it runs. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct conf {
    int quit;
    int rounds;
};

struct conf config;
volatile unsigned long ticks;

static void on_term(int sig)
{
    (void)sig;
    config.quit = 1;
}

__attribute__((noinline)) void child_loop(void)
{
    while (1) {
        ticks++;
        config.rounds++;
        usleep(1000);
        if (config.quit)
            return;
    }
}

int main(void)
{
    struct sigaction sa;
    char line[64];

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    printf("ready\n");
    fflush(stdout);
    while (fgets(line, sizeof line, stdin)) {
        pid_t pid = fork();
        if (pid == 0) {
            child_loop();
            _exit(0);
        }
        printf("%d\n", (int)pid);
        fflush(stdout);
    }
    return 0;
}
