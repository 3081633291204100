/* bench/bench_apply.py: the steady-state cost of a redirected function.
   argv[1] threads (default 1) call step() (in callloop_step.c, so gcc -O2
   cannot inline it) in a tight loop, each counting its calls in its own cache line of counts[];
   every line on stdin is answered with the total count. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#define MAXT 64
long step(long x);
volatile long counts[MAXT * 8];
static void *worker(void *arg) {
    long t = (long)arg, x = t;
    for (;;) { x = step(x); counts[t * 8]++; }
    return NULL;
}
int main(int argc, char **argv) {
    pthread_t th[MAXT]; char line[64];
    int nt = argc > 1 ? atoi(argv[1]) : 1;
    if (nt < 1 || nt > MAXT) return 2;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (long t = 0; t < nt; t++) pthread_create(&th[t], NULL, worker, (void *)t);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        long total = 0;
        for (int t = 0; t < nt; t++) total += counts[t * 8];
        printf("%ld\n", total);
    }
    return 0;
}
