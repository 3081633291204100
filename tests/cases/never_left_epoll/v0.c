/* An epoll loop whose only exit is the failure of epoll_wait itself, and a
 * thread start routine that runs it. */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <unistd.h>

int handled;

static void handle(int fd)
{
    char buf[64];
    if (read(fd, buf, sizeof buf) > 0)
        handled++;
}

int event_loop(int ep)
{
    struct epoll_event ev[16];

    for (;;) {
        int n = epoll_wait(ep, ev, 16, -1);
        if (n < 0 && errno != EINTR)
            return -1;
        for (int i = 0; i < n; i++)
            handle(ev[i].data.fd);
    }
}

static void *io_thread(void *arg)
{
    event_loop(*(int *)arg);
    return NULL;
}

int main(void)
{
    static int ep;
    pthread_t t;

    ep = epoll_create1(0);
    pthread_create(&t, NULL, io_thread, &ep);
    pthread_join(t, NULL);
    return 0;
}
