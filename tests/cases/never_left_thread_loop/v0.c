/* Worker threads whose start routine ends in a library event loop
 * (libevent's event_base_loop): the loop returns only when the program
 * breaks it off, so the start routine's activation lives as long as the
 * thread, and so does that of the function that runs the loop for it. */
#include <pthread.h>
#include <stddef.h>

struct event_base;
struct event_base *event_base_new(void);
int event_base_loop(struct event_base *base, int flags);

int started;

static void run_events(struct event_base *base)
{
    event_base_loop(base, 0);
}

static void *worker(void *arg)
{
    struct event_base *base = arg;

    started++;
    run_events(base);
    return NULL;
}

int main(void)
{
    pthread_t t[4];

    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, event_base_new());
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return 0;
}
