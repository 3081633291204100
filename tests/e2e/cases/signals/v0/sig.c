/* One thread that never leaves run(): it increments a.i and its own count of
 * loop iterations for good, and answers stdin lines in between.  Its SIGUSR1
 * handler counts in a.sigs and in handled, on the same page: after an
 * update a is in write-through, so both the loop and the handler write
 * protected pages, and a signal may arrive while the runtime's fault
 * handler runs. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct A { int i; long sigs; };
struct A a;
long iters;
long handled;

void on_usr1(int sig)
{
    a.sigs++;
    handled++;
}

__attribute__((noinline)) void report(void)
{
    printf("v0 i=%d iters=%ld sigs=%ld handled=%ld\n", a.i, iters, a.sigs, handled);
}

/* One report a line, taken with SIGUSR1 blocked: the counters are read together. */
__attribute__((noinline)) void answer(void)
{
    struct pollfd p = { 0, POLLIN, 0 };
    char buf[256];
    sigset_t usr1, prev;
    if (poll(&p, 1, 0) != 1)
        return;
    ssize_t n = read(0, buf, sizeof buf);
    if (n <= 0)
        exit(0);
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, &prev);
    for (ssize_t k = 0; k < n; k++)
        if (buf[k] == '\n')
            report();
    sigprocmask(SIG_SETMASK, &prev, NULL);
}

void run(void)
{
    for (;;) {
        a.i++;
        iters++;
        __asm__ __volatile__("" ::: "memory");     /* one store of each a loop */
        if (iters % 64 == 0)
            answer();
    }
}

int main(void)
{
    struct sigaction sa;
    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    printf("ready\n");
    run();
    return 0;
}
