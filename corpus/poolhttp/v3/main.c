#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "poolhttp.h"

static pid_t kids[MAX_CHILDREN];

static void on_term(int sig)
{
    (void)sig;
    config.signals++;
    config.quit = 1;
}

static int listen_on(int port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 128) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        close(fd);
        return -1;
    }
    printf("listening %d\n", ntohs(a.sin_port));
    fflush(stdout);
    return fd;
}

static void spawn(int listen_fd, int slot)
{
    pid_t pid = fork();

    if (pid == 0)
        _exit(child_main(listen_fd));
    if (pid > 0) {
        kids[slot] = pid;
        config.spawned++;
    }
}

static void reap(void)
{
    pid_t pid;

    while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
        for (int i = 0; i < MAX_CHILDREN; i++)
            if (kids[i] == pid)
                kids[i] = 0;
}

/* Keeps the pool full until SIGTERM, then stops the children. */
__attribute__((noinline)) void master_loop(int listen_fd)
{
    while (!config.quit) {
        reap();
        for (int i = 0; i < config.children; i++)
            if (kids[i] == 0)
                spawn(listen_fd, i);
        usleep(5000);
    }
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (kids[i] > 0)
            kill(kids[i], SIGTERM);
    while (wait(NULL) > 0)
        ;
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    int fd;

    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT [CHILDREN [MAX-REQUESTS]]\n", argv[0]);
        return 2;
    }
    config_defaults(argc, argv);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;        /* no SA_RESTART: accept() returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    fd = listen_on(atoi(argv[1]));
    if (fd < 0) {
        perror("listen");
        return 1;
    }
    master_loop(fd);
    return 0;
}
