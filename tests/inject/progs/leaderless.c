/* main() calls pthread_exit: the leader is a zombie while a worker answers
 * stdin and another one counts. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

volatile long counts;

__attribute__((noinline)) void tick(void) { counts++; }

static void *counter(void *arg) { (void)arg; for (;;) { tick(); usleep(100); } return NULL; }

static void *answer(void *arg)
{
    char line[64];
    (void)arg;
    printf("ready\n");
    while (fgets(line, sizeof line, stdin))
        printf("ok %ld\n", counts);
    _exit(0);
}

int main(void)
{
    pthread_t a, b;
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_create(&a, NULL, counter, NULL);
    pthread_create(&b, NULL, answer, NULL);
    pthread_exit(NULL);
}
