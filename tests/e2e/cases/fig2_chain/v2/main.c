/* Worker threads call bar() under a semaphore and count their own calls;
 * every line on stdin asks for a report. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>
#include "ab.h"

sem_t lock;
long calls[NTHREADS];

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
