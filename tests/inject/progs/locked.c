/* A thread holds a mutex most of the time; take() needs it.  A remote call
 * of take() with every other thread stopped can only finish if the holder
 * is let run. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
volatile long held;

__attribute__((noinline)) long take(void)
{
    pthread_mutex_lock(&m);
    long h = held;
    pthread_mutex_unlock(&m);
    return h + 1000000;
}

static void *holder(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&m);
        held++;
        usleep(3000);
        pthread_mutex_unlock(&m);
        usleep(50);
    }
    return NULL;
}

int main(void)
{
    pthread_t a;
    char line[64];
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_create(&a, NULL, holder, NULL);
    usleep(10000);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin))
        printf("held=%ld\n", held);
    return 0;
}
