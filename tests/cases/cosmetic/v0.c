/* Nothing but moved code, comments and whitespace changes between versions. */
#include <stdio.h>

struct point { int x; int y; };

struct point origin;
int hits;

int norm1(struct point p)
{
    return (p.x < 0 ? -p.x : p.x) + (p.y < 0 ? -p.y : p.y);
}

void hit(void)
{
    hits++;
}

int main(void)
{
    hit();
    printf("%d\n", norm1(origin));
    return 0;
}
