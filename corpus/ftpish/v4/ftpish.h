/* ftpish: a small FTP-like server shaped like vsftpd, version 4: long LIST
 * lines (type, size), FEAT and MDTM; dotfiles are always hidden; the listener
 * keeps its sessions in a fixed table instead of a list.
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
#include <time.h>

#define FTPISH_VERSION "4"
#define FTP_LINE_MAX 512
#define FTP_PATH_MAX 1024

struct ftp_config {
    char banner[128];          /* extra greeting line, empty for none */
    int max_sessions;          /* refuse connections beyond this many */
    int idle_timeout;          /* seconds a session may stay silent */
    char root[FTP_PATH_MAX];   /* the directory served as "/" */
};

enum session_state {
    SESSION_NEW,               /* connected, no user yet */
    SESSION_USER_OK,           /* USER accepted, waiting for PASS */
    SESSION_LOGGED_IN
};

struct ftp_session {
    int fd;
    unsigned long id;          /* given by the listener, 1, 2, ... */
    enum session_state state;
    char user[32];
    char cwd[FTP_PATH_MAX];    /* virtual path, always starts with '/' */
    long commands;
    long bytes_sent;           /* file bytes sent by RETR */
    int login_fails;
};

/* one line of a LIST reply */
struct dir_entry {
    char *name;
    long long size;
    int is_dir;
};

/* one protocol command; handler returns 1 when the session is over */
struct ftp_command {
    const char *name;
    int need_login;
    int (*handler)(const char *arg);
};

#define MAX_SESSION_SLOTS 64   /* the most max_sessions can be */

/* one forked session process, as the listener knows it; pid 0: a free slot */
struct session_slot {
    pid_t pid;
    unsigned long id;
    time_t started;
};

/* config.c */
extern struct ftp_config config;
void config_defaults(void);
int config_load(const char *path);

/* io.c */
int write_all(int fd, const void *buf, size_t len);
void reply(int code, const char *fmt, ...);
void reply_part(int code, const char *fmt, ...);
int read_command(int fd, char *line, size_t size);

/* session.c */
extern struct ftp_session session;
extern const char *const anon_users[];
extern int max_login_fails;
void session_run(int fd, unsigned long id);

/* main.c */
extern int listen_fd;
extern struct session_slot slots[MAX_SESSION_SLOTS];
extern int active_sessions;
extern unsigned long next_session_id;

#endif
