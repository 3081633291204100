/* A pre-forked child's main loop: while (1) whose only way out is a return
 * on a flag that the SIGTERM handler sets.  The activation lives until the
 * process is told to stop. */
#include <signal.h>
#include <unistd.h>

struct conf {
    int quit;
    int max_requests;
};

struct conf config = {0, 100};
int served;

static void on_term(int sig)
{
    (void)sig;
    config.quit = 1;
}

static int serve_one(int fd)
{
    char buf[64];
    return read(fd, buf, sizeof buf) > 0;
}

void child_loop(int fd)
{
    while (1) {
        if (serve_one(fd))
            served++;
        if (config.quit)
            return;
    }
}

int main(void)
{
    signal(SIGTERM, on_term);
    child_loop(0);
    return 0;
}
