/* Connections: the main thread accepts, a fixed pool of workers serves. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "kv.h"

struct work_queue queue;
int listen_fd = -1;
int nworkers = 4;
struct client *clients;                 /* connected clients, newest first */
pthread_mutex_t clients_lock = PTHREAD_MUTEX_INITIALIZER;
unsigned long next_client_id = 1;

static void queue_init(void)
{
    queue.head = 0;
    queue.count = 0;
    pthread_mutex_init(&queue.lock, NULL);
    pthread_cond_init(&queue.nonempty, NULL);
}

/* Hands an accepted connection to the workers; refuses it when the queue is
 * full. */
static void queue_push(int fd)
{
    static const char busy[] = "SERVER_ERROR busy\n";

    stats_count(&stats.connections);
    pthread_mutex_lock(&queue.lock);
    if (queue.count == QUEUE_CAP) {
        pthread_mutex_unlock(&queue.lock);
        if (write(fd, busy, sizeof busy - 1) < 0)
            perror("write");
        close(fd);
        return;
    }
    queue.fds[(queue.head + queue.count) % QUEUE_CAP] = fd;
    queue.count++;
    pthread_cond_signal(&queue.nonempty);
    pthread_mutex_unlock(&queue.lock);
}

static struct client *client_register(int fd)
{
    struct client *c = malloc(sizeof *c);

    if (c == NULL)
        return NULL;
    c->fd = fd;
    c->requests = 0;
    pthread_mutex_lock(&clients_lock);
    c->id = next_client_id++;
    c->next = clients;
    clients = c;
    pthread_mutex_unlock(&clients_lock);
    return c;
}

static void client_unregister(struct client *c)
{
    struct client **link;

    pthread_mutex_lock(&clients_lock);
    for (link = &clients; *link != NULL; link = &(*link)->next) {
        if (*link == c) {
            *link = c->next;
            break;
        }
    }
    pthread_mutex_unlock(&clients_lock);
    free(c);
}

long client_count(void)
{
    struct client *c;
    long n = 0;

    pthread_mutex_lock(&clients_lock);
    for (c = clients; c != NULL; c = c->next)
        n++;
    pthread_mutex_unlock(&clients_lock);
    return n;
}

static int queue_pop(void)
{
    int fd;

    pthread_mutex_lock(&queue.lock);
    while (queue.count == 0)
        pthread_cond_wait(&queue.nonempty, &queue.lock);
    fd = queue.fds[queue.head];
    queue.head = (queue.head + 1) % QUEUE_CAP;
    queue.count--;
    pthread_mutex_unlock(&queue.lock);
    return fd;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Sends reply and its newline in one write (two small writes would wait for
 * the peer's delayed ACK). */
static int send_reply(int fd, const char *reply)
{
    char line[KV_REPLY_MAX + 1];
    size_t len = strlen(reply);

    if (len > KV_REPLY_MAX - 1)
        len = KV_REPLY_MAX - 1;
    memcpy(line, reply, len);
    line[len] = '\n';
    return write_all(fd, line, len + 1);
}

/* Reads request lines from one client until it quits or goes away. */
static void client_loop(struct client *c)
{
    int fd = c->fd;
    char buf[KV_LINE_MAX + 1];
    char reply[KV_REPLY_MAX];
    size_t used = 0;

    for (;;) {
        char *nl;
        ssize_t n;

        while ((nl = memchr(buf, '\n', used)) != NULL) {
            size_t len = (size_t)(nl - buf);
            int quit;

            *nl = '\0';
            if (len > 0 && buf[len - 1] == '\r')
                buf[len - 1] = '\0';
            quit = handle_line(c, buf, reply, sizeof reply);
            if (send_reply(fd, reply) < 0 || quit)
                return;
            used -= len + 1;
            memmove(buf, nl + 1, used);
        }
        if (used == KV_LINE_MAX) {
            send_reply(fd, "ERROR line too long");
            return;
        }
        n = read(fd, buf + used, KV_LINE_MAX - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        used += (size_t)n;
    }
}

/* Serves one connection as a registered client. */
static void serve_client(int fd)
{
    struct client *c = client_register(fd);

    if (c == NULL) {
        send_reply(fd, "SERVER_ERROR out of memory");
        return;
    }
    client_loop(c);
    client_unregister(c);
}

static void *worker_main(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = queue_pop();

        serve_client(fd);
        close(fd);
    }
    return NULL;
}

static int open_listener(int port)
{
    struct sockaddr_in addr;
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((unsigned short)port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 64) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int bound_port(int fd)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;

    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
        return -1;
    return ntohs(addr.sin_port);
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 0;
    int i;

    if (argc > 2)
        nworkers = atoi(argv[2]);
    if (nworkers < 1 || nworkers > MAX_WORKERS) {
        fprintf(stderr, "usage: %s [port] [workers 1..%d]\n", argv[0], MAX_WORKERS);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    listen_fd = open_listener(port);
    if (listen_fd < 0) {
        perror("listen");
        return 1;
    }
    queue_init();
    for (i = 0; i < nworkers; i++) {
        pthread_t tid;

        if (pthread_create(&tid, NULL, worker_main, NULL) != 0) {
            fprintf(stderr, "cannot start worker %d\n", i);
            return 1;
        }
        pthread_detach(tid);
    }
    printf("listening %d\n", bound_port(listen_fd));
    fflush(stdout);

    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);

        if (fd < 0) {
            if (errno != EINTR)
                perror("accept");
            continue;
        }
        queue_push(fd);
    }
}
