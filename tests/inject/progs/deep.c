/* Threads parked three calls deep (no frame pointers at -O2): the samples
 * must show deep1, deep2 and deep3 active. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

volatile long sink;

__attribute__((noinline)) long deep3(long x) { pause(); sink += x; return sink * 3; }
__attribute__((noinline)) long deep2(long x) { long r = deep3(x + 1); sink += r; return r + 7; }
__attribute__((noinline)) long deep1(long x) { long r = deep2(x * 2); sink ^= r; return r - 1; }
__attribute__((noinline)) void spin(void) { for (;;) sink++; }

static void *parked(void *arg) { return (void *)deep1((long)arg); }
static void *spinner(void *arg) { (void)arg; spin(); return NULL; }

int main(void)
{
    pthread_t a, b, c;
    char line[64];
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_create(&a, NULL, parked, (void *)1);
    pthread_create(&b, NULL, parked, (void *)2);
    pthread_create(&c, NULL, spinner, NULL);
    usleep(20000);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin))
        printf("ok %ld\n", sink);
    return 0;
}
