/* Single-threaded and allocating all the time.  glibc's malloc takes no lock
 * while a process has one thread, so a remote call that allocates must never
 * run on a thread stopped inside malloc or free.  Every stdin line is
 * answered with "ok <line> <rounds> <ticks>".
 *
 * With the argument "handler", a timer's handler (every signal blocked while
 * it runs, like the runtime's) often interrupts malloc or free: stopped in
 * there, the thread is run out of the allocator by the injector, through the
 * handler's return, and its signal mask must then be the program's again. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define SLOTS 512
static void *slot[SLOTS];
static unsigned long rounds;
static volatile unsigned long ticks;

static void on_alarm(int sig)
{
    (void)sig;
    ticks++;
    for (volatile long i = 0; i < 300000; i++)    /* a good part of every 1 ms in here */
        ;
}

int main(int argc, char **argv)
{
    char line[256];
    unsigned x = 1;

    if (argc > 1 && strcmp(argv[1], "handler") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigfillset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGALRM, &sa, NULL);
        struct itimerval it = {{0, 1000}, {0, 1000}};
        setitimer(ITIMER_REAL, &it, NULL);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready\n");
    for (;;) {
        for (int k = 0; k < 1000; k++) {
            x = x * 1103515245u + 12345u;
            unsigned i = (x >> 8) % SLOTS;
            free(slot[i]);
            slot[i] = malloc(16 + (x >> 20) % 2000);
            memset(slot[i], 1, 16);
        }
        rounds++;
        struct pollfd p = {0, POLLIN, 0};
        if (poll(&p, 1, 0) > 0) {
            if (!fgets(line, sizeof line, stdin))
                break;
            line[strcspn(line, "\n")] = 0;
            printf("ok %s %lu %lu\n", line, rounds, ticks);
        }
    }
    return 0;
}
