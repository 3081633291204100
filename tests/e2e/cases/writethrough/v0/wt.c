/* Workers that never leave the function writing the changed global: the
 * global stays in write-through for good after an update. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

#define NTHREADS 3
struct A { int i; };
struct A a;
long calls[NTHREADS];
sem_t lock;

void run(long id)
{
    for (;;) {
        sem_wait(&lock);
        a.i++;
        calls[id]++;
        sem_post(&lock);
        usleep(20);
    }
}

__attribute__((noinline)) void report(void)
{
    long total = 0;
    for (int t = 0; t < NTHREADS; t++)
        total += calls[t];
    printf("v0 i=%d calls=%ld\n", a.i, total);
    fflush(stdout);
}

static void *worker(void *arg)
{
    run((long)arg);
    return NULL;
}

int main(void)
{
    pthread_t th[NTHREADS];
    char line[64];
    setvbuf(stdout, NULL, _IOLBF, 0);
    sem_init(&lock, 0, 1);
    for (long t = 0; t < NTHREADS; t++)
        pthread_create(&th[t], NULL, worker, (void *)t);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        sem_wait(&lock);
        report();
        sem_post(&lock);
    }
    return 0;
}
