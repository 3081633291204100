/* Single-threaded, shaped like the runtime's write-through in a forking
 * server (the ftpish listener): a timer's handler (every signal blocked,
 * like the runtime's) unblocks SIGSEGV, as the runtime does before its sync
 * code, then allocates and frees, and each free() faults on a read-only
 * page (glibc writes into the block it frees); the SIGSEGV handler (every
 * signal blocked too) makes the page writable again -- slowly while a
 * tracer is attached, as on a loaded machine.  After each free the timer's
 * handler checks that SIGSEGV is still unblocked, as the runtime's sync code
 * needs it (blocked, its next fault would kill the process).
 * Every stdin line is answered with "ok <line> <ticks> <blocked>", blocked
 * counting the times SIGSEGV was found blocked there. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long ticks, blocked;

static int traced(void)
{
    char buf[2048];
    int fd = open("/proc/self/status", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    const char *t = strstr(buf, "TracerPid:");
    return t && atoi(t + 10) != 0;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    uintptr_t pg = (uintptr_t)si->si_addr & ~(uintptr_t)4095;
    if (traced()) {
        struct timespec ts = {1, 500000000};        /* longer than the injector waits for a breakpoint */
        nanosleep(&ts, NULL);
    }
    mprotect((void *)pg, 4096, PROT_READ | PROT_WRITE);
}

static void on_alarm(int sig)
{
    sigset_t segv, now;
    (void)sig;
    ticks++;
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    sigprocmask(SIG_UNBLOCK, &segv, NULL);
    for (int k = 0; k < 40; k++) {
        char *p = malloc(64);
        if (!p)
            return;
        memset(p, 1, 64);
        mprotect((void *)((uintptr_t)p & ~(uintptr_t)4095), 4096, PROT_READ);
        free(p);                    /* faults: on_segv opens the page */
        sigprocmask(SIG_BLOCK, NULL, &now);
        if (sigismember(&now, SIGSEGV)) {
            blocked++;
            sigprocmask(SIG_UNBLOCK, &segv, NULL);
        }
    }
}

int main(void)
{
    char line[256];
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigfillset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 4000}, {0, 4000}};
    setitimer(ITIMER_REAL, &it, NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready\n");
    for (;;) {
        struct pollfd p = {0, POLLIN, 0};
        if (poll(&p, 1, -1) > 0) {
            if (!fgets(line, sizeof line, stdin))
                break;
            line[strcspn(line, "\n")] = 0;
            printf("ok %s %lu %lu\n", line, ticks, blocked);
        }
    }
    return 0;
}
