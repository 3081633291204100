/* A function keeps a counter in a static local; its new version would start
 * from a fresh copy of it. */
#include <stdio.h>

int next_id(void)
{
    static int last;
    return ++last;
}

void show(void)
{
    static const char fmt[] = "%d\n";
    printf(fmt, next_id());
}
