/* Stub test: the event loop in main never returns and calls handle(), whose
 * signature changes; a stub with the old prototype lets the update take
 * effect at the next call. */
#include <unistd.h>

struct req { int fd; };
int handled;
char said[64];

void handle(int fd)
{
    handled += fd;
}

int process(struct req *r)
{
    return r->fd;
}

void say(int code, const char *text)
{
    said[0] = (char)code;
    said[1] = text[0];
}

struct req *pick(struct req *r)
{
    return r;
}

int main(void)
{
    struct req r = { 1 };
    for (;;) {
        handle(process(pick(&r)));
        say(2, "ok");
        sleep(1);
    }
    return 0;
}
