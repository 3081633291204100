#include <stdio.h>
#include <unistd.h>
#include "log.h"

struct log lg;
int gate[2];

void note(char c)
{
    if (lg.n < LOG_SIZE)
        lg.buf[lg.n] = c;
    lg.n++;                 /* the bug: n counts notes that were never stored */
}

/* Blocks inside a function that uses lg until the gate opens, then writes lg. */
void hold(void)
{
    char c;
    if (read(gate[0], &c, 1) == 1)
        lg.last = c;
}

void report(void)
{
    printf("v0 n=%d last=%c\n", lg.n, lg.last ? lg.last : '-');
    fflush(stdout);
}
