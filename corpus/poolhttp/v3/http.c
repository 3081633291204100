#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "poolhttp.h"

/* Reads the request head (up to an empty line); its length, or -1. */
static int read_request(int fd, char *buf, size_t size)
{
    size_t len = 0;

    while (len + 1 < size) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
            return (int)len;
    }
    return -1;
}

static void respond(int fd, int code, const char *reason, const char *body)
{
    char out[1024];
    int n = snprintf(out, sizeof out,
                     "HTTP/1.0 %d %s\r\nServer: poolhttp/%d\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s", code, reason, POOLHTTP_VERSION, strlen(body), body);
    const char *p = out;

    if (n < 0 || n >= (int)sizeof out)
        return;
    while (n > 0) {
        ssize_t w = write(fd, p, (size_t)n);
        if (w <= 0)
            return;
        p += w;
        n -= (int)w;
        stats.bytes += (unsigned long)w;
    }
}

void handle_connection(int fd)
{
    char req[2048], method[16], path[256], body[256];

    if (read_request(fd, req, sizeof req) < 0)
        return;
    if (sscanf(req, "%15s %255s", method, path) != 2) {
        respond(fd, 400, "Bad Request", "bad request\n");
        return;
    }
    if (strcmp(method, "GET") != 0) {
        respond(fd, 405, "Method Not Allowed", "only GET\n");
        return;
    }
    if (strcmp(path, "/") == 0) {
        snprintf(body, sizeof body, "poolhttp %d pid %d served %lu\n", POOLHTTP_VERSION, (int)getpid(),
                 stats.served);
        respond(fd, 200, "OK", body);
    } else if (strcmp(path, "/stats") == 0) {
        snprintf(body, sizeof body, "served %lu spawned %d bytes %lu\n", stats.served, config.spawned,
                 stats.bytes);
        respond(fd, 200, "OK", body);
    } else if (strncmp(path, "/echo/", 6) == 0) {
        snprintf(body, sizeof body, "%s\n", path + 6);
        respond(fd, 200, "OK", body);
    } else if (strcmp(path, "/health") == 0) {
        respond(fd, 200, "OK", "ok\n");
    } else if (strcmp(path, "/version") == 0) {
        snprintf(body, sizeof body, "poolhttp %d\n", POOLHTTP_VERSION);
        respond(fd, 200, "OK", body);
    } else {
        respond(fd, 404, "Not Found", "not found\n");
    }
}
