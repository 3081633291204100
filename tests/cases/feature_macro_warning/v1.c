/* A feature macro the program defines that glibc deprecates: <features.h>
 * says so with a #warning (redis's fmacros.h defines _BSD_SOURCE).  The
 * program's build only warns; the patch, which defines it again before the
 * same headers, must too. */
#define _BSD_SOURCE
#include <stdio.h>
#include <unistd.h>

int f(int x)
{
    return x + 2;
}

int main(void)
{
    return printf("%d\n", f(1)) < 0;
}
