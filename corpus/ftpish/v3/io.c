/* Control connection I/O: replies out, command lines in. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
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

/* Writes "<code><sep><text>\r\n" to the session's connection. */
static void send_reply(int code, char sep, const char *fmt, va_list ap)
{
    char line[FTP_LINE_MAX + 16];
    int n = snprintf(line, sizeof line, "%03d%c", code, sep);

    n += vsnprintf(line + n, sizeof line - (size_t)n - 2, fmt, ap);
    if ((size_t)n > sizeof line - 3)
        n = (int)sizeof line - 3;
    line[n++] = '\r';
    line[n++] = '\n';
    write_all(session.fd, line, (size_t)n);
}

void reply(int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    send_reply(code, ' ', fmt, ap);
    va_end(ap);
}

/* The first lines of a multi-line reply: "220-text". */
void reply_part(int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    send_reply(code, '-', fmt, ap);
    va_end(ap);
}

/* Reads one command line (without CR LF) into line.  Returns its length, or
 * -1 at end of input, -2 if the line is too long, -3 after the idle timeout. */
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
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return -3;
        if (n <= 0)
            return -1;
        inlen += (size_t)n;
    }
}
