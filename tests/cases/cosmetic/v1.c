/*
 * Nothing but moved code, comments and whitespace changes between versions.
 * (This header comment is longer now.)
 */
#include <stdio.h>

struct point {
    int x;   /* horizontal */
    int y;   /* vertical */
};

int hits;
struct point origin;

void hit(void) { hits++; }   /* moved up */

/* the L1 norm */
int
norm1(struct point p)
{
    return (p.x < 0 ? -p.x : p.x)
         + (p.y < 0 ? -p.y : p.y);
}



int main(void)
{
    hit();

    printf("%d\n",   norm1(origin));
    return 0;
}
