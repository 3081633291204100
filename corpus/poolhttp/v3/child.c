#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <unistd.h>

#include "poolhttp.h"

struct child_stats stats;

/* A child: serve connections until max_requests are done or SIGTERM. */
int child_main(int listen_fd)
{
    int served = 0;

    while (served < config.max_requests) {
        int fd;

        if (config.quit)
            return 0;
        fd = accept(listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return 1;
        }
        handle_connection(fd);
        close(fd);
        stats.served++;
        served++;
    }
    return 0;
}
