/* A listener shaped like vsftpd's vsf_standalone_main: its accept loop
 * returns only in the child it has just forked ("by returning here we
 * launch the child"), so the listener process itself never leaves it. */
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int sessions;

static int fork_failok(void)
{
    return fork();
}

int accept_loop(int listen_fd)
{
    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);
        int child;

        if (fd < 0)
            continue;
        child = fork_failok();
        if (child != 0) {
            close(fd);
            sessions++;
        } else {
            close(listen_fd);
            return fd;
        }
    }
}

/* Loops until there is nothing left to reap: left by the process itself. */
int reap_all(void)
{
    int n = 0;

    for (;;) {
        pid_t pid = waitpid(-1, NULL, WNOHANG);
        if (pid <= 0)
            return n;
        n++;
    }
}

int main(void)
{
    int fd = accept_loop(3);

    write(fd, "hello\n", 6);
    return reap_all();
}
