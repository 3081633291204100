/* Connections kept only as untyped pointers, the way a callback library keeps
 * its user's argument (stdin: "open ID", "data ID N", "show ID").  In v1 a
 * connection gains members: objects the running program made are of the old
 * size, nothing typed leads to them, and new code would write past their end.
 * An error-level finding until user code gives each one a new object. */
#include <stdio.h>
#include <stdlib.h>

#define NSLOTS 8

struct conn {
    int id;
    int bytes;
    int packets;            /* v1 */
    char last[24];          /* v1: the size of the last packet, as text */
};

static void *slots[NSLOTS];

void on_open(int id)
{
    struct conn *c = calloc(1, sizeof *c);
    c->id = id;
    slots[id % NSLOTS] = c;
}

void on_data(void *arg, int n)
{
    struct conn *c = arg;
    c->bytes += n;
    printf("v1 conn %d +%d\n", c->id, n);
    c->packets++;
    snprintf(c->last, sizeof c->last, "%d bytes", n);
}

void show(void *arg)
{
    struct conn *c = arg;
    printf("v1 conn %d bytes=%d packets=%d last=%s\n", c->id, c->bytes, c->packets, c->last);
}

int main(void)
{
    char line[64];
    int id, n;

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        if (sscanf(line, "open %d", &id) == 1)
            on_open(id);
        else if (sscanf(line, "data %d %d", &id, &n) == 2 && slots[id % NSLOTS])
            on_data(slots[id % NSLOTS], n);
        else if (sscanf(line, "show %d", &id) == 1 && slots[id % NSLOTS])
            show(slots[id % NSLOTS]);
    }
    return 0;
}
