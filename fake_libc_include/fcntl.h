/* polusgen fake <fcntl.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_FCNTL_H
#define _POLUS_FCNTL_H
#include <_polus_types.h>
struct flock { short l_type; short l_whence; off_t l_start; off_t l_len; pid_t l_pid; };
#define O_RDONLY O_RDONLY
#define O_WRONLY O_WRONLY
#define O_RDWR O_RDWR
#define O_ACCMODE O_ACCMODE
#define O_CREAT O_CREAT
#define O_EXCL O_EXCL
#define O_NOCTTY O_NOCTTY
#define O_TRUNC O_TRUNC
#define O_APPEND O_APPEND
#define O_NONBLOCK O_NONBLOCK
#define O_NDELAY O_NDELAY
#define O_SYNC O_SYNC
#define O_DSYNC O_DSYNC
#define O_ASYNC O_ASYNC
#define O_DIRECTORY O_DIRECTORY
#define O_NOFOLLOW O_NOFOLLOW
#define O_CLOEXEC O_CLOEXEC
#define O_LARGEFILE O_LARGEFILE
#define O_NOATIME O_NOATIME
#define O_PATH O_PATH
#define O_TMPFILE O_TMPFILE
#define F_DUPFD F_DUPFD
#define F_DUPFD_CLOEXEC F_DUPFD_CLOEXEC
#define F_GETFD F_GETFD
#define F_SETFD F_SETFD
#define F_GETFL F_GETFL
#define F_SETFL F_SETFL
#define F_GETLK F_GETLK
#define F_SETLK F_SETLK
#define F_SETLKW F_SETLKW
#define F_SETOWN F_SETOWN
#define F_GETOWN F_GETOWN
#define F_SETSIG F_SETSIG
#define F_RDLCK F_RDLCK
#define F_WRLCK F_WRLCK
#define F_UNLCK F_UNLCK
#define FD_CLOEXEC FD_CLOEXEC
#define AT_FDCWD AT_FDCWD
#define AT_SYMLINK_NOFOLLOW AT_SYMLINK_NOFOLLOW
#define AT_REMOVEDIR AT_REMOVEDIR
#define SEEK_SET SEEK_SET
#define SEEK_CUR SEEK_CUR
#define SEEK_END SEEK_END
#define POSIX_FADV_SEQUENTIAL POSIX_FADV_SEQUENTIAL
#define POSIX_FADV_DONTNEED POSIX_FADV_DONTNEED
int open(const char *, int, ...);
int openat(int, const char *, int, ...);
int creat(const char *, mode_t);
int fcntl(int, int, ...);
int posix_fadvise(int, off_t, off_t, int);
int posix_fallocate(int, off_t, off_t);
#endif
