/* A thread that sits inside a signal handler running on a small alternate
 * signal stack (8 KiB, as a program that sizes it by SIGSTKSZ's old value
 * gets), with only LEFT bytes of it left below its stack pointer; a
 * sentinel lies right below the altstack's base.  It prints "ready" once
 * the handler sits there; every stdin line is answered with "version=<n>
 * spins=<n> sentinel=<bytes of it overwritten> altstack=<times the handler
 * found its altstack other than registered> sitter=<the thread's tid>". */
#define _GNU_SOURCE
#include <alloca.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SENTINEL 4096
#define ALT 8192
#define LEFT 2048

static unsigned char region[SENTINEL + ALT] __attribute__((aligned(4096)));
static volatile long spins, altstack_wrong;
static volatile long gen;
static int started[2];

__attribute__((noinline)) long version(void) { return gen + 0; }

static void on_usr2(int sig)
{
    unsigned char here;
    (void)sig;
    /* use the altstack down to LEFT bytes above its base */
    size_t used = (size_t)(&here - (region + SENTINEL));
    volatile unsigned char *pad = alloca(used > LEFT + 256 ? used - LEFT - 256 : 16);
    pad[0] = 1;
    long tid = syscall(SYS_gettid);
    if (write(started[1], &tid, sizeof tid) != sizeof tid)
        return;
    for (;;) {
        if (++spins % (1 << 22) == 0) {
            stack_t now;
            if (sigaltstack(NULL, &now) != 0 || now.ss_sp != region + SENTINEL || now.ss_size != ALT ||
                now.ss_flags != SS_ONSTACK)
                altstack_wrong++;
        }
    }
}

static void *sitter(void *arg)
{
    stack_t ss = { .ss_sp = region + SENTINEL, .ss_size = ALT, .ss_flags = 0 };
    struct sigaction sa;
    (void)arg;
    sigaltstack(&ss, NULL);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr2;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
    /* bound before the handler needs them: a lazy binding in the handler
     * saves the whole vector state on the altstack */
    if (syscall(SYS_gettid) < 0 || write(started[1], &sa, 0) < 0 || sigaltstack(NULL, &ss) != 0)
        return NULL;
    pthread_kill(pthread_self(), SIGUSR2);
    return NULL;
}

static int overwritten(void)
{
    int n = 0;
    for (int i = 0; i < SENTINEL; i++)
        n += region[i] != 0x5A;
    return n;
}

int main(void)
{
    pthread_t th;
    long tid;
    char line[256];
    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(region, 0x5A, SENTINEL);
    if (pipe(started))
        return 1;
    pthread_create(&th, NULL, sitter, NULL);
    if (read(started[0], &tid, sizeof tid) != sizeof tid)
        return 1;
    printf("ready\n");
    while (fgets(line, sizeof line, stdin))
        printf("version=%ld spins=%ld sentinel=%d altstack=%ld sitter=%ld\n", version(), spins, overwritten(),
               altstack_wrong, tid);
    return 0;
}
