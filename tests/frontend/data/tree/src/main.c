#include <stdio.h>
#include <unistd.h>
#include "shared.h"

#ifndef GREETING
#error GREETING must be defined by the build
#endif

struct conn *new_conn(int fd);

int main(void)
{
    new_conn(0);
    printf("%s %d\n", GREETING, count_conns());
    return nconns;
}
