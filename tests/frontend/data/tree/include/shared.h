/* a program header found through -Iinclude */
#ifndef SHARED_H
#define SHARED_H
#include <sys/socket.h>

typedef int (*handler_fn)(struct conn *c, const char *line);

struct conn {
    int fd;
    struct sockaddr_storage peer;
    handler_fn on_line;
    struct conn *next;
};

extern int nconns;
int count_conns(void);
#endif
