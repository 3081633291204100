/* Control connection I/O: replies out, command lines in. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "ftpish.h"

static char inbuf[FTP_LINE_MAX];   /* bytes read but not yet consumed */
static size_t inlen;

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

void reply(int fd, int code, const char *text)
{
    char line[FTP_LINE_MAX + 16];
    int n = snprintf(line, sizeof line, "%03d %s\r\n", code, text);

    write_all(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* The first lines of a multi-line reply: "220-text". */
void reply_part(int fd, int code, const char *text)
{
    char line[FTP_LINE_MAX + 16];
    int n = snprintf(line, sizeof line, "%03d-%s\r\n", code, text);

    write_all(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* Reads one command line (without CR LF) into line.  Returns its length, or
 * -1 at end of input, -2 if the line is too long. */
int read_command(int fd, char *line, size_t size)
{
    for (;;) {
        char *nl = memchr(inbuf, '\n', inlen);
        ssize_t n;

        if (nl != NULL) {
            size_t len = (size_t)(nl - inbuf);
            size_t rest = inlen - len - 1;

            if (len > 0 && inbuf[len - 1] == '\r')
                len--;
            if (len >= size)
                return -2;
            memcpy(line, inbuf, len);
            line[len] = '\0';
            memmove(inbuf, nl + 1, rest);
            inlen = rest;
            return (int)len;
        }
        if (inlen == sizeof inbuf)
            return -2;
        n = read(fd, inbuf + inlen, sizeof inbuf - inlen);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        inlen += (size_t)n;
    }
}
