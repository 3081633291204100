/* A multithreaded target: two threads spin, two sleep in a syscall, main
 * blocks in read(2); every stdin line is answered with the call counts. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define N 4
volatile long counts[N];

__attribute__((noinline)) void tick(long id) { counts[id]++; }

static void *worker(void *arg)
{
    long id = (long)arg;
    for (;;) {
        tick(id);
        if (id >= 2)
            usleep(200);
    }
    return NULL;
}

int main(void)
{
    pthread_t th[N];
    char line[256];
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (long t = 0; t < N; t++)
        pthread_create(&th[t], NULL, worker, (void *)t);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        printf("ok %s %ld %ld %ld %ld\n", line, counts[0], counts[1], counts[2], counts[3]);
    }
    return 0;
}
