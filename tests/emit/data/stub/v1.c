/* Stub test: the event loop in main never returns and calls handle(), whose
 * signature changes; a stub with the old prototype lets the update take
 * effect at the next call. */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

struct req { int fd; int prio; };
int handled;
char said[64];

void handle(int fd, int flags)
{
    handled += fd * 10 + flags;
}

int process(struct req *r)
{
    return r->fd + r->prio;
}

void say(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    said[0] = (char)code;
    vsnprintf(said + 1, sizeof said - 1, fmt, ap);
    va_end(ap);
}

struct req *pick(struct req *r)
{
    return r;
}

int main(void)
{
    struct req r = { 1, 0 };
    for (;;) {
        handle(process(pick(&r)), 2);
        say(2, "%s", "ok");
        sleep(1);
    }
    return 0;
}
