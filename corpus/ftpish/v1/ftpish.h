/* ftpish: a small FTP-like server shaped like vsftpd, version 1: SIZE and
 * STAT, a second anonymous user name, a limit on failed logins.
 *
 * A listener process accepts connections and forks one process per session.
 * The listener keeps the list of its session processes (reaped on SIGCHLD);
 * each session process keeps its state in one global session struct.  Files
 * are served from a root directory given on the command line; data is sent
 * inline on the control connection, between a 150 and a 226 reply. */
#ifndef FTPISH_H
#define FTPISH_H

#include <stddef.h>
#include <sys/types.h>

#define FTPISH_VERSION "1"
#define FTP_LINE_MAX 512
#define FTP_PATH_MAX 1024

struct ftp_config {
    char banner[128];          /* extra greeting line, empty for none */
    int max_sessions;          /* refuse connections beyond this many */
    int hide_dotfiles;         /* leave names starting with '.' out of LIST */
    char root[FTP_PATH_MAX];   /* the directory served as "/" */
};

struct ftp_session {
    int fd;
    int logged_in;
    char user[32];
    char cwd[FTP_PATH_MAX];    /* virtual path, always starts with '/' */
    long commands;
    long bytes_sent;           /* file bytes sent by RETR */
    int login_fails;
};

/* one forked session process, as the listener knows it */
struct child {
    pid_t pid;
    struct child *next;
};

/* config.c */
extern struct ftp_config config;
void config_defaults(void);
int config_load(const char *path);

/* io.c */
int write_all(int fd, const void *buf, size_t len);
void reply(int fd, int code, const char *text);
void reply_part(int fd, int code, const char *text);
int read_command(int fd, char *line, size_t size);

/* session.c */
extern struct ftp_session session;
extern const char *const anon_users[];
extern int max_login_fails;
void session_run(int fd);

/* main.c */
extern int listen_fd;
extern struct child *children;
extern int active_sessions;
extern long total_sessions;

#endif
