/* Stub test: the event loop in main never returns and calls handle(), whose
 * signature changes; a stub with the old prototype lets the update take
 * effect at the next call. */
#include <unistd.h>

struct req { int fd; int prio; };
int handled;

void handle(int fd, int flags)
{
    handled += fd * 10 + flags;
}

int process(struct req *r)
{
    return r->fd + r->prio;
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
        sleep(1);
    }
    return 0;
}
