/* Single-threaded and allocating all the time.  glibc's malloc takes no lock
 * while a process has one thread, so a remote call that allocates must never
 * run on a thread stopped inside malloc or free.  Every stdin line is
 * answered with the number of rounds done. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512
static void *slot[SLOTS];
static unsigned long rounds;

int main(void)
{
    char line[256];
    unsigned x = 1;

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready\n");
    for (;;) {
        for (int k = 0; k < 1000; k++) {
            x = x * 1103515245u + 12345u;
            unsigned i = (x >> 8) % SLOTS;
            free(slot[i]);
            slot[i] = malloc(16 + (x >> 20) % 2000);
            memset(slot[i], 1, 16);
        }
        rounds++;
        struct pollfd p = {0, POLLIN, 0};
        if (poll(&p, 1, 0) > 0) {
            if (!fgets(line, sizeof line, stdin))
                break;
            line[strcspn(line, "\n")] = 0;
            printf("ok %s %lu\n", line, rounds);
        }
    }
    return 0;
}
