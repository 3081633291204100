/* An event loop that never returns is changed: its new version cannot run
 * in the activation that is already looping. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int served;

void serve_one(int fd)
{
    served++;
    write(fd, "ok\n", 3);
}

void die(const char *why)
{
    fprintf(stderr, "%s\n", why);
    exit(1);
}

void event_loop(int fd)
{
    for (;;) {
        serve_one(fd);
        sleep(1);
    }
}

int main(int argc, char **argv)
{
    if (argc > 2)
        die("usage");
    event_loop(1);
    return 0;
}
