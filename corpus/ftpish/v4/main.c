/* The listener: accepts, forks one session process per connection, and
 * keeps count of the sessions alive (reaped on SIGCHLD). */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ftpish.h"

int listen_fd = -1;
struct session_slot slots[MAX_SESSION_SLOTS];   /* live session processes */
int active_sessions;
unsigned long next_session_id = 1;
static volatile sig_atomic_t child_exited;

static void on_sigchld(int sig)
{
    (void)sig;
    child_exited = 1;
}

static void slot_take(pid_t pid, unsigned long id)
{
    int i;

    for (i = 0; i < MAX_SESSION_SLOTS; i++) {
        if (slots[i].pid == 0) {
            slots[i].pid = pid;
            slots[i].id = id;
            slots[i].started = time(NULL);
            return;
        }
    }
    /* no free slot (max_sessions keeps this from happening): still reaped */
}

static void slot_release(pid_t pid)
{
    int i;

    for (i = 0; i < MAX_SESSION_SLOTS; i++) {
        if (slots[i].pid == pid) {
            slots[i].pid = 0;
            return;
        }
    }
}

/* Collects every session process that has exited; reports the ones that
 * did not end cleanly. */
static void reap_children(void)
{
    pid_t pid;
    int status;

    child_exited = 0;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fprintf(stderr, "ftpish: session process %ld ended abnormally\n", (long)pid);
        slot_release(pid);
        active_sessions--;
    }
}

/* Refuses a connection from the listener (there is no session yet). */
static void refuse(int fd, const char *text)
{
    char line[FTP_LINE_MAX];
    int n = snprintf(line, sizeof line, "421 %s\r\n", text);

    if (n > 0 && (size_t)n < sizeof line)
        write_all(fd, line, (size_t)n);
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
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 32) < 0) {
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

/* Forks the process that serves fd. */
static void start_session(int fd)
{
    unsigned long id = next_session_id++;
    pid_t pid;

    active_sessions++;
    pid = fork();
    if (pid == 0) {
        close(listen_fd);
        signal(SIGCHLD, SIG_DFL);
        session_run(fd, id);
        close(fd);
        _exit(0);
    }
    if (pid < 0) {
        active_sessions--;
        refuse(fd, "Cannot start a session now.");
    } else {
        slot_take(pid, id);
    }
}

/* Reads the configuration, installs the signal handlers and opens the
 * listening socket; returns 0, or the exit status on failure. */
static int startup(int argc, char **argv)
{
    struct sigaction sa;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s port root-directory [config-file]\n", argv[0]);
        return 2;
    }
    config_defaults();
    snprintf(config.root, sizeof config.root, "%s", argv[2]);
    if (argc == 4 && config_load(argv[3]) < 0)
        return 2;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigchld;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;             /* no SA_RESTART: let accept() see EINTR */
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    listen_fd = open_listener(atoi(argv[1]));
    if (listen_fd < 0) {
        perror("listen");
        return 1;
    }
    return 0;
}

/* A new connection: a session process for it, unless there are too many. */
static void handle_connection(int fd)
{
    if (active_sessions >= config.max_sessions)
        refuse(fd, "There are too many connected users, please try later.");
    else
        start_session(fd);
}

int main(int argc, char **argv)
{
    int status = startup(argc, argv);

    if (status != 0)
        return status;
    printf("listening %d\n", bound_port(listen_fd));
    fflush(stdout);

    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);

        reap_children();
        if (fd < 0) {
            if (errno != EINTR)
                perror("accept");
            continue;
        }
        handle_connection(fd);
        close(fd);
    }
}
