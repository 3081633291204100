/* stdin commands: "note" adds a note, "open X" lets the holder thread out of
 * hold() once with X, anything else asks for a report. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "log.h"

static void *holder(void *arg)
{
    (void)arg;
    for (;;)
        hold();
    return NULL;
}

int main(void)
{
    pthread_t th;
    char line[64];

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (pipe(gate) != 0)
        return 1;
    pthread_create(&th, NULL, holder, NULL);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        if (strncmp(line, "note", 4) == 0)
            note('n');
        else if (strncmp(line, "open", 4) == 0)
            (void)!write(gate[1], &line[5], 1);
        else
            report();
    }
    return 0;
}
