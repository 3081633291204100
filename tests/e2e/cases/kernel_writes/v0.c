/* A heap configuration whose receive buffer is the next heap block, on the
 * same page (stdin: "recv" receives one datagram with recvmsg(2), "stat"
 * asks fstat(2) into the same buffer, "port" reads the configuration).
 * v1 grows struct cfg: the old object stays in write-through as long as main,
 * never left, uses it, and its page is protected -- every system call that
 * writes the buffer must still work (dnsmasq receives its queries so). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

struct cfg {
    int port;
    char *buf;
};
struct cfg *cfg;
static int sv[2];

__attribute__((noinline)) int handle(void)
{
    struct iovec iov = {cfg->buf, 64};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    int n = (int)recvmsg(sv[0], &msg, 0);
    printf("v0 received %d %.*s\n", n, n > 0 ? n : 0, cfg->buf);
    return n;
}

__attribute__((noinline)) void status(void)
{
    struct stat *st = (struct stat *)cfg->buf;
    int rc = fstat(sv[0], st);
    printf("v0 fstat %d socket %d\n", rc, rc == 0 && S_ISSOCK(st->st_mode));
}

int main(void)
{
    char line[64];

    cfg = malloc(sizeof *cfg);
    cfg->port = 53;
    cfg->buf = malloc(256);           /* the next chunk: the same page as *cfg */
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
        return 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        if (!strncmp(line, "recv", 4)) {
            if (write(sv[1], "query", 5) != 5)
                return 1;
            handle();
        } else if (!strncmp(line, "stat", 4)) {
            status();
        } else {
            printf("port %d\n", cfg->port);
        }
    }
    return 0;
}
