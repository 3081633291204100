/* main's loop never returns and reaches session_run only through a small
 * static helper gcc -O2 inlines into it: with the binary known, the stub for
 * session_run's new signature is still made. */
#include <unistd.h>

int served;

void session_run(int fd)
{
    served += fd;
}

static void start_session(int fd)
{
    session_run(fd);
}

int main(void)
{
    for (;;) {
        start_session(1);
        sleep(1);
    }
    return 0;
}
