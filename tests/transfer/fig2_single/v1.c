/* The paper's Fig. 2 program in one file: gcc -O2 inlines bar and foo into worker and
 * report into main, the two loops that never return (issue 13). */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>
#define NTHREADS 4
struct A { int i; int j; };
struct AB { struct A a; long x; };
struct AB ab;
sem_t lock;
long calls[NTHREADS];

void foo(struct A *a)
{
    a->i++;
    a->j++;
}

void bar(void)
{
    foo(&ab.a);
}

void report(void)
{
    long total = 0;
    for (int t = 0; t < NTHREADS; t++)
        total += calls[t];
    printf("v1 i=%d j=%d calls=%ld\n", ab.a.i, ab.a.j, total);
    fflush(stdout);
}

static void *worker(void *arg)
{
    long id = (long)arg;
    for (;;) {
        sem_wait(&lock);
        bar();
        calls[id]++;
        sem_post(&lock);
        usleep(100);
    }
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
