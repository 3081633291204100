/* polusgen fake <unistd.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_UNISTD_H
#define _POLUS_UNISTD_H
#include <_polus_types.h>
#define NULL NULL
#define STDIN_FILENO STDIN_FILENO
#define STDOUT_FILENO STDOUT_FILENO
#define STDERR_FILENO STDERR_FILENO
#define F_OK F_OK
#define R_OK R_OK
#define W_OK W_OK
#define X_OK X_OK
#define SEEK_SET SEEK_SET
#define SEEK_CUR SEEK_CUR
#define SEEK_END SEEK_END
#define F_LOCK F_LOCK
#define F_ULOCK F_ULOCK
#define F_TLOCK F_TLOCK
#define F_TEST F_TEST
#define _SC_OPEN_MAX _SC_OPEN_MAX
#define _SC_PAGESIZE _SC_PAGESIZE
#define _SC_PAGE_SIZE _SC_PAGE_SIZE
#define _SC_CLK_TCK _SC_CLK_TCK
#define _SC_NPROCESSORS_ONLN _SC_NPROCESSORS_ONLN
#define _SC_NPROCESSORS_CONF _SC_NPROCESSORS_CONF
#define _PC_NAME_MAX _PC_NAME_MAX
#define _PC_PATH_MAX _PC_PATH_MAX
#define _POSIX_VERSION 200809L
#define _POSIX_SAVED_IDS 1
#define _POSIX_JOB_CONTROL 1
extern char **environ;
extern char *optarg;
extern int optind, opterr, optopt;
int access(const char *, int);
int faccessat(int, const char *, int, int);
unsigned int alarm(unsigned int);
unsigned int sleep(unsigned int);
int usleep(useconds_t);
int pause(void);
int chdir(const char *);
int fchdir(int);
int chown(const char *, uid_t, gid_t);
int fchown(int, uid_t, gid_t);
int lchown(const char *, uid_t, gid_t);
int chroot(const char *);
int close(int);
int dup(int);
int dup2(int, int);
int dup3(int, int, int);
int execl(const char *, const char *, ...);
int execle(const char *, const char *, ...);
int execlp(const char *, const char *, ...);
int execv(const char *, char *const []);
int execve(const char *, char *const [], char *const []);
int execvp(const char *, char *const []);
void _exit(int);
pid_t fork(void);
pid_t vfork(void);
long fpathconf(int, int);
long pathconf(const char *, int);
long sysconf(int);
int fsync(int);
int fdatasync(int);
void sync(void);
int ftruncate(int, off_t);
int truncate(const char *, off_t);
char *getcwd(char *, size_t);
char *get_current_dir_name(void);
gid_t getegid(void);
uid_t geteuid(void);
gid_t getgid(void);
uid_t getuid(void);
int getgroups(int, gid_t []);
int setgroups(size_t, const gid_t *);
int initgroups(const char *, gid_t);
int gethostname(char *, size_t);
int sethostname(const char *, size_t);
int getdomainname(char *, size_t);
char *getlogin(void);
int getlogin_r(char *, size_t);
int getopt(int, char *const [], const char *);
pid_t getpgid(pid_t);
pid_t getpgrp(void);
pid_t getpid(void);
pid_t getppid(void);
pid_t getsid(pid_t);
int setpgid(pid_t, pid_t);
pid_t setsid(void);
int setuid(uid_t);
int setgid(gid_t);
int seteuid(uid_t);
int setegid(gid_t);
int setreuid(uid_t, uid_t);
int setregid(gid_t, gid_t);
int setresuid(uid_t, uid_t, uid_t);
int setresgid(gid_t, gid_t, gid_t);
int getresuid(uid_t *, uid_t *, uid_t *);
int getresgid(gid_t *, gid_t *, gid_t *);
int isatty(int);
char *ttyname(int);
int link(const char *, const char *);
int symlink(const char *, const char *);
ssize_t readlink(const char *, char *, size_t);
int unlink(const char *);
int rmdir(const char *);
int lockf(int, int, off_t);
off_t lseek(int, off_t, int);
int pipe(int [2]);
int pipe2(int [2], int);
ssize_t read(int, void *, size_t);
ssize_t write(int, const void *, size_t);
ssize_t pread(int, void *, size_t, off_t);
ssize_t pwrite(int, const void *, size_t, off_t);
int nice(int);
int getpagesize(void);
int getdtablesize(void);
char *getpass(const char *);
char *getusershell(void);
void setusershell(void);
void endusershell(void);
char *crypt(const char *, const char *);
long syscall(long, ...);
pid_t gettid(void);
int brk(void *);
void *sbrk(long);
int vhangup(void);
int tcsetpgrp(int, pid_t);
pid_t tcgetpgrp(int);
/* more names the real header defines (values are its business) */
#define L_INCR L_INCR
#define L_SET L_SET
#define L_XTND L_XTND
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define CLOSE_RANGE_CLOEXEC CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_UNSHARE CLOSE_RANGE_UNSHARE
#define SEEK_DATA SEEK_DATA
#define SEEK_HOLE SEEK_HOLE
#endif /* GNU */
#endif
