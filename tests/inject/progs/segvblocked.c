/* A program with its own SIGSEGV handler and a thread that blocks SIGSEGV
 * and SIGTRAP, then sits in read(2) on a pipe nobody writes.  It prints
 * "ready <that thread's tid>"; every stdin line is answered with
 * "ok <line> caught=<n>", and the line "segv" first raises SIGSEGV in main
 * (caught, so n goes up; with the default action the process dies). */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static int never[2], started[2];

static void on_segv(int sig)
{
    (void)sig;
    caught++;
}

static void *blocker(void *arg)
{
    sigset_t s;
    char c;
    long tid = syscall(SYS_gettid);
    (void)arg;
    sigemptyset(&s);
    sigaddset(&s, SIGSEGV);
    sigaddset(&s, SIGTRAP);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    if (write(started[1], &tid, sizeof tid) != sizeof tid)
        return NULL;
    for (;;)
        if (read(never[0], &c, 1) == 0)
            return NULL;
}

int main(void)
{
    struct sigaction sa;
    pthread_t th;
    long tid;
    char line[256];
    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    if (pipe(never) || pipe(started))
        return 1;
    pthread_create(&th, NULL, blocker, NULL);
    if (read(started[0], &tid, sizeof tid) != sizeof tid)
        return 1;
    printf("ready %ld\n", tid);
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        if (strcmp(line, "segv") == 0)
            raise(SIGSEGV);
        printf("ok %s caught=%d\n", line, (int)caught);
    }
    return 0;
}
