/* poolhttp: a pre-forked HTTP/1.0 server.  The master keeps config.children
 * child processes accepting on one listening socket; a child serves
 * config.max_requests connections and exits, and the master forks another.
 * SIGTERM stops the master, which stops its children. */
#ifndef POOLHTTP_H
#define POOLHTTP_H

#define POOLHTTP_VERSION 0
#define MAX_CHILDREN 64

struct pool_config {
    int children;          /* child processes serving at once */
    int max_requests;      /* connections a child serves before it exits */
    volatile int quit;     /* set by SIGTERM, in the master and in every child */
};

struct child_stats {
    unsigned long served;  /* connections this process has served */
};

extern struct pool_config config;
extern struct child_stats stats;

void config_defaults(int argc, char **argv);
int child_main(int listen_fd);
void handle_connection(int fd);

#endif
