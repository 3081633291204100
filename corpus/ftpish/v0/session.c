/* One session: login, then commands on the files under config.root. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ftpish.h"

struct ftp_session session;

/* Resolves arg (absolute, or relative to the current directory) into a
 * normalized virtual path in out.  ".." never climbs above "/". */
static void virtual_path(const char *arg, char *out, size_t size)
{
    char work[FTP_PATH_MAX * 2];
    char *part, *save;
    size_t len = 1;

    if (arg[0] == '/')
        snprintf(work, sizeof work, "%s", arg);
    else
        snprintf(work, sizeof work, "%s/%s", session.cwd, arg);
    strcpy(out, "/");
    for (part = strtok_r(work, "/", &save); part != NULL; part = strtok_r(NULL, "/", &save)) {
        if (strcmp(part, ".") == 0)
            continue;
        if (strcmp(part, "..") == 0) {
            char *slash = strrchr(out, '/');

            len = slash == out ? 1 : (size_t)(slash - out);
            out[len] = '\0';
            continue;
        }
        if (len + strlen(part) + 2 > size)
            break;
        if (len > 1)
            out[len++] = '/';
        strcpy(out + len, part);
        len += strlen(part);
    }
}

/* The real path of a virtual one: config.root followed by it. */
static void real_path(const char *vpath, char *out, size_t size)
{
    snprintf(out, size, "%s%s", config.root, vpath);
}

static int require_login(void)
{
    if (!session.logged_in) {
        reply(session.fd, 530, "Please login with USER and PASS.");
        return 0;
    }
    return 1;
}

static void cmd_user(const char *arg)
{
    if (session.logged_in) {
        reply(session.fd, 530, "Can't change to another user.");
        return;
    }
    if (strcmp(arg, "anonymous") != 0) {
        reply(session.fd, 530, "This FTP server is anonymous only.");
        return;
    }
    snprintf(session.user, sizeof session.user, "%s", arg);
    reply(session.fd, 331, "Please specify the password.");
}

static void cmd_pass(void)
{
    if (session.logged_in) {
        reply(session.fd, 230, "Already logged in.");
        return;
    }
    if (session.user[0] == '\0') {
        reply(session.fd, 503, "Login with USER first.");
        return;
    }
    session.logged_in = 1;
    reply(session.fd, 230, "Login successful.");
}

static void cmd_pwd(void)
{
    char text[FTP_PATH_MAX + 40];

    snprintf(text, sizeof text, "\"%s\" is the current directory", session.cwd);
    reply(session.fd, 257, text);
}

static void cmd_cwd(const char *arg)
{
    char vpath[FTP_PATH_MAX], rpath[FTP_PATH_MAX * 2];
    struct stat st;

    virtual_path(arg, vpath, sizeof vpath);
    real_path(vpath, rpath, sizeof rpath);
    if (stat(rpath, &st) < 0 || !S_ISDIR(st.st_mode)) {
        reply(session.fd, 550, "Failed to change directory.");
        return;
    }
    strcpy(session.cwd, vpath);
    reply(session.fd, 250, "Directory successfully changed.");
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void cmd_list(const char *arg)
{
    char vpath[FTP_PATH_MAX], rpath[FTP_PATH_MAX * 2];
    char *names[256];
    size_t count = 0, i;
    struct dirent *ent;
    DIR *dir;

    virtual_path(arg, vpath, sizeof vpath);
    real_path(vpath, rpath, sizeof rpath);
    dir = opendir(rpath);
    if (dir == NULL) {
        reply(session.fd, 550, "Failed to open directory.");
        return;
    }
    while ((ent = readdir(dir)) != NULL && count < sizeof names / sizeof names[0]) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        if (config.hide_dotfiles && ent->d_name[0] == '.')
            continue;
        names[count] = strdup(ent->d_name);
        if (names[count] != NULL)
            count++;
    }
    closedir(dir);
    qsort(names, count, sizeof names[0], compare_names);
    reply(session.fd, 150, "Here comes the directory listing.");
    for (i = 0; i < count; i++) {
        char line[FTP_PATH_MAX];
        int len = snprintf(line, sizeof line, "%s\r\n", names[i]);

        if (len > 0 && (size_t)len < sizeof line)
            write_all(session.fd, line, (size_t)len);
        free(names[i]);
    }
    reply(session.fd, 226, "Directory send OK.");
}

static void cmd_retr(const char *arg)
{
    char vpath[FTP_PATH_MAX], rpath[FTP_PATH_MAX * 2];
    char text[FTP_PATH_MAX + 80];
    char buf[4096];
    struct stat st;
    ssize_t n;
    int fd;

    virtual_path(arg, vpath, sizeof vpath);
    real_path(vpath, rpath, sizeof rpath);
    fd = open(rpath, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        reply(session.fd, 550, "Failed to open file.");
        return;
    }
    snprintf(text, sizeof text, "Opening BINARY mode data connection for %s (%lld bytes).",
             arg, (long long)st.st_size);
    reply(session.fd, 150, text);
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (write_all(session.fd, buf, (size_t)n) < 0)
            break;
    close(fd);
    reply(session.fd, 226, "Transfer complete.");
}

static void str_upper(char *s)
{
    for (; *s != '\0'; s++)
        *s = (char)toupper((unsigned char)*s);
}

/* Runs one command; returns 1 when the session is over. */
static int dispatch(char *line)
{
    char *arg = strchr(line, ' ');

    if (arg != NULL)
        *arg++ = '\0';
    else
        arg = "";
    str_upper(line);
    session.commands++;
    if (strcmp(line, "QUIT") == 0) {
        reply(session.fd, 221, "Goodbye.");
        return 1;
    }
    if (strcmp(line, "USER") == 0)
        cmd_user(arg);
    else if (strcmp(line, "PASS") == 0)
        cmd_pass();
    else if (strcmp(line, "NOOP") == 0)
        reply(session.fd, 200, "NOOP ok.");
    else if (strcmp(line, "SYST") == 0)
        reply(session.fd, 215, "UNIX Type: L8");
    else if (strcmp(line, "PWD") == 0) {
        if (require_login())
            cmd_pwd();
    } else if (strcmp(line, "CWD") == 0) {
        if (require_login())
            cmd_cwd(arg);
    } else if (strcmp(line, "LIST") == 0) {
        if (require_login())
            cmd_list(arg);
    } else if (strcmp(line, "RETR") == 0) {
        if (require_login())
            cmd_retr(arg);
    } else
        reply(session.fd, 500, "Unknown command.");
    return 0;
}

void session_run(int fd)
{
    char line[FTP_LINE_MAX];
    int one = 1;

    /* replies and data are written in pieces: do not wait for the peer's ACKs */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    memset(&session, 0, sizeof session);
    session.fd = fd;
    strcpy(session.cwd, "/");
    if (config.banner[0] != '\0')
        reply_part(fd, 220, config.banner);
    reply(fd, 220, "ftpish " FTPISH_VERSION " ready");
    for (;;) {
        int n = read_command(fd, line, sizeof line);

        if (n == -2) {
            reply(fd, 500, "Command line too long.");
            return;
        }
        if (n < 0)
            return;
        if (dispatch(line))
            return;
    }
}
