/* A thread flooded with queued signals: a sender thread sigqueues
 * SIGRTMIN+1 to a receiver thread, at most 4 in flight, counting what the
 * kernel accepted; the receiver's handler counts what it handled.  No
 * signal is ever lost, so once the sender pauses, handled == sent.  It
 * prints "ready"; every stdin line is answered with "version=<n>
 * sent=<n> handled=<n>", and the line "pause" stops the sender first and
 * waits until every signal sent was delivered (at most 2 s each). */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SIG (SIGRTMIN + 1)
#define IN_FLIGHT 4

static atomic_long sent, handled, receiver_tid;
static atomic_int paused, idle;
static volatile long gen;

__attribute__((noinline)) long version(void) { return gen + 0; }

static void on_sig(int sig)
{
    (void)sig;
    atomic_fetch_add(&handled, 1);
}

static void *receiver(void *arg)
{
    struct sigaction sa;
    (void)arg;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sig;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIG, &sa, NULL);
    atomic_store(&receiver_tid, syscall(SYS_gettid));
    for (volatile long n = 0;; n++)
        ;
    return NULL;
}

static void *sender(void *arg)
{
    siginfo_t si;
    (void)arg;
    while (!atomic_load(&receiver_tid))
        usleep(100);
    memset(&si, 0, sizeof si);
    si.si_signo = SIG;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    for (;;) {
        if (atomic_load(&paused)) {
            atomic_store(&idle, 1);
            usleep(50);
            continue;
        }
        if (atomic_load(&sent) - atomic_load(&handled) >= IN_FLIGHT) {
            usleep(50);
            continue;
        }
        if (syscall(SYS_rt_tgsigqueueinfo, getpid(), (pid_t)atomic_load(&receiver_tid), SIG, &si) == 0)
            atomic_fetch_add(&sent, 1);
    }
    return NULL;
}

int main(void)
{
    pthread_t r, s;
    char line[256];
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_create(&r, NULL, receiver, NULL);
    pthread_create(&s, NULL, sender, NULL);
    while (!atomic_load(&receiver_tid))
        usleep(100);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        if (strncmp(line, "pause", 5) == 0) {
            atomic_store(&paused, 1);
            for (int i = 0; i < 2000 && !atomic_load(&idle); i++)
                usleep(1000);
            for (int i = 0; i < 2000 && atomic_load(&handled) < atomic_load(&sent); i++)
                usleep(1000);
        }
        printf("version=%ld sent=%ld handled=%ld\n", version(), atomic_load(&sent), atomic_load(&handled));
    }
    return 0;
}
