/* a program built on an installed library (libevent, from libevent-dev):
 * its headers are found where gcc finds them, with no option */
#include <stdio.h>
#include <event.h>

static int ticks;

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)arg;
    ticks += (what & EV_TIMEOUT) ? 2 : 1;
}

int run(int n)
{
    struct event_base *base = event_base_new();
    struct timeval tv = {0, 1000};
    struct event *ev = event_new(base, -1, EV_PERSIST, on_tick, NULL);
    event_add(ev, &tv);
    while (ticks < n)
        event_base_loop(base, EVLOOP_ONCE);
    event_free(ev);
    event_base_free(base);
    return ticks;
}

int main(void)
{
    printf("%d\n", run(3));
    return 0;
}
