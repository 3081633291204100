/* One session: login, then commands on the files under config.root. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "ftpish.h"

struct ftp_session session;
const char *const anon_users[] = { "anonymous", "ftp", NULL };
int max_login_fails = 2;      /* USERs refused before the session is closed */

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

static int is_anonymous(const char *name)
{
    int i;

    for (i = 0; anon_users[i] != NULL; i++)
        if (strcmp(name, anon_users[i]) == 0)
            return 1;
    return 0;
}

/* Returns 1 when too many refused logins end the session. */
static int cmd_user(const char *arg)
{
    if (session.state == SESSION_LOGGED_IN) {
        reply(530, "Can't change to another user.");
        return 0;
    }
    if (!is_anonymous(arg)) {
        if (++session.login_fails >= max_login_fails) {
            reply(421, "Too many failed logins.");
            return 1;
        }
        reply(530, "This FTP server is anonymous only.");
        return 0;
    }
    snprintf(session.user, sizeof session.user, "%s", arg);
    session.state = SESSION_USER_OK;
    reply(331, "Please specify the password.");
    return 0;
}

static int cmd_pass(const char *arg)
{
    (void)arg;
    if (session.state == SESSION_LOGGED_IN) {
        reply(230, "Already logged in.");
        return 0;
    }
    if (session.state != SESSION_USER_OK) {
        reply(503, "Login with USER first.");
        return 0;
    }
    session.state = SESSION_LOGGED_IN;
    reply(230, "Login successful.");
    return 0;
}

static int cmd_pwd(const char *arg)
{
    (void)arg;
    reply(257, "\"%s\" is the current directory", session.cwd);
    return 0;
}

static int cmd_cwd(const char *arg)
{
    char vpath[FTP_PATH_MAX], rpath[FTP_PATH_MAX * 2];
    struct stat st;

    virtual_path(arg, vpath, sizeof vpath);
    real_path(vpath, rpath, sizeof rpath);
    if (stat(rpath, &st) < 0 || !S_ISDIR(st.st_mode)) {
        reply(550, "Failed to change directory.");
        return 0;
    }
    strcpy(session.cwd, vpath);
    reply(250, "Directory successfully changed.");
    return 0;
}

static int compare_entries(const void *a, const void *b)
{
    const struct dir_entry *x = a, *y = b;

    return strcmp(x->name, y->name);
}

static int cmd_list(const char *arg)
{
    char vpath[FTP_PATH_MAX], rpath[FTP_PATH_MAX * 2], epath[FTP_PATH_MAX * 3];
    struct dir_entry entries[256];
    size_t count = 0, i;
    struct dirent *ent;
    struct stat st;
    DIR *dir;

    virtual_path(arg, vpath, sizeof vpath);
    real_path(vpath, rpath, sizeof rpath);
    dir = opendir(rpath);
    if (dir == NULL) {
        reply(550, "Failed to open directory.");
        return 0;
    }
    while ((ent = readdir(dir)) != NULL && count < sizeof entries / sizeof entries[0]) {
        if (ent->d_name[0] == '.')
            continue;
        snprintf(epath, sizeof epath, "%s/%s", rpath, ent->d_name);
        if (stat(epath, &st) < 0)
            continue;
        entries[count].name = strdup(ent->d_name);
        if (entries[count].name == NULL)
            continue;
        entries[count].size = (long long)st.st_size;
        entries[count].is_dir = S_ISDIR(st.st_mode);
        count++;
    }
    closedir(dir);
    qsort(entries, count, sizeof entries[0], compare_entries);
    reply(150, "Here comes the directory listing.");
    for (i = 0; i < count; i++) {
        char line[FTP_PATH_MAX];
        int len = snprintf(line, sizeof line, "%s 1 ftp ftp %12lld %s\r\n",
                           entries[i].is_dir ? "drwxr-xr-x" : "-rw-r--r--",
                           entries[i].size, entries[i].name);

        if (len > 0 && (size_t)len < sizeof line)
            write_all(session.fd, line, (size_t)len);
        free(entries[i].name);
    }
    reply(226, "Directory send OK.");
    return 0;
}

static int cmd_retr(const char *arg)
{
    char vpath[FTP_PATH_MAX], rpath[FTP_PATH_MAX * 2];
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
        reply(550, "Failed to open file.");
        return 0;
    }
    reply(150, "Opening BINARY mode data connection for %s (%lld bytes).",
          arg, (long long)st.st_size);
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        if (write_all(session.fd, buf, (size_t)n) < 0)
            break;
        session.bytes_sent += n;
    }
    close(fd);
    reply(226, "Transfer complete.");
    return 0;
}

static int cmd_size(const char *arg)
{
    char vpath[FTP_PATH_MAX], rpath[FTP_PATH_MAX * 2];
    struct stat st;

    virtual_path(arg, vpath, sizeof vpath);
    real_path(vpath, rpath, sizeof rpath);
    if (stat(rpath, &st) < 0 || !S_ISREG(st.st_mode)) {
        reply(550, "Could not get file size.");
        return 0;
    }
    reply(213, "%lld", (long long)st.st_size);
    return 0;
}

static int cmd_mdtm(const char *arg)
{
    char vpath[FTP_PATH_MAX], rpath[FTP_PATH_MAX * 2];
    char stamp[32];
    struct stat st;
    struct tm tm;

    virtual_path(arg, vpath, sizeof vpath);
    real_path(vpath, rpath, sizeof rpath);
    if (stat(rpath, &st) < 0 || !S_ISREG(st.st_mode) || gmtime_r(&st.st_mtime, &tm) == NULL) {
        reply(550, "Could not get file modification time.");
        return 0;
    }
    strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
    reply(213, "%s", stamp);
    return 0;
}

static int cmd_feat(const char *arg)
{
    static const char features[] = " MDTM\r\n SIZE\r\n";

    (void)arg;
    reply_part(211, "Features:");
    write_all(session.fd, features, sizeof features - 1);
    reply(211, "End");
    return 0;
}

static int cmd_stat(const char *arg)
{
    (void)arg;
    reply(211, "ftpish %s: session=%lu user=%s commands=%ld bytes=%ld sessions=%d",
          FTPISH_VERSION, session.id, session.state == SESSION_LOGGED_IN ? session.user : "-",
          session.commands, session.bytes_sent, active_sessions);
    return 0;
}

static int cmd_cdup(const char *arg)
{
    (void)arg;
    return cmd_cwd("..");
}

static int cmd_noop(const char *arg)
{
    (void)arg;
    reply(200, "NOOP ok.");
    return 0;
}

static int cmd_syst(const char *arg)
{
    (void)arg;
    reply(215, "UNIX Type: L8");
    return 0;
}

static int cmd_quit(const char *arg)
{
    (void)arg;
    reply(221, "Goodbye.");
    return 1;
}

static int cmd_help(const char *arg);

static const struct ftp_command commands[] = {
    { "USER", 0, cmd_user },
    { "PASS", 0, cmd_pass },
    { "QUIT", 0, cmd_quit },
    { "NOOP", 0, cmd_noop },
    { "SYST", 0, cmd_syst },
    { "HELP", 0, cmd_help },
    { "FEAT", 0, cmd_feat },
    { "STAT", 0, cmd_stat },
    { "PWD", 1, cmd_pwd },
    { "CWD", 1, cmd_cwd },
    { "CDUP", 1, cmd_cdup },
    { "LIST", 1, cmd_list },
    { "RETR", 1, cmd_retr },
    { "SIZE", 1, cmd_size },
    { "MDTM", 1, cmd_mdtm },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static int cmd_help(const char *arg)
{
    char names[FTP_LINE_MAX] = "";
    size_t i;

    (void)arg;
    for (i = 0; i < NCOMMANDS; i++) {
        strcat(names, " ");
        strcat(names, commands[i].name);
    }
    strcat(names, "\r\n");
    reply_part(214, "The following commands are recognized.");
    write_all(session.fd, names, strlen(names));
    reply(214, "Help OK.");
    return 0;
}

/* Runs one command; returns 1 when the session is over. */
static int dispatch(char *line)
{
    char *arg = strchr(line, ' ');
    size_t k;

    if (arg != NULL)
        *arg++ = '\0';
    else
        arg = "";
    session.commands++;
    for (k = 0; k < NCOMMANDS; k++) {
        const struct ftp_command *cmd = &commands[k];

        if (strcasecmp(cmd->name, line) != 0)
            continue;
        if (cmd->need_login && session.state != SESSION_LOGGED_IN) {
            reply(530, "Please login with USER and PASS.");
            return 0;
        }
        return cmd->handler(arg);
    }
    reply(500, "Unknown command.");
    return 0;
}

void session_run(int fd, unsigned long id)
{
    struct timeval idle;
    char line[FTP_LINE_MAX];
    int one = 1;

    /* replies and data are written in pieces: do not wait for the peer's ACKs */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    idle.tv_sec = config.idle_timeout;
    idle.tv_usec = 0;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
    memset(&session, 0, sizeof session);
    session.fd = fd;
    session.id = id;
    strcpy(session.cwd, "/");
    if (config.banner[0] != '\0')
        reply_part(220, "%s", config.banner);
    reply(220, "ftpish " FTPISH_VERSION " ready");
    for (;;) {
        int n = read_command(fd, line, sizeof line);

        if (n == -3) {
            reply(421, "Timeout.");
            return;
        }
        if (n == -2) {
            reply(500, "Command line too long.");
            return;
        }
        if (n < 0)
            return;
        if (dispatch(line))
            return;
    }
}
