/* polusgen fake <sys/statvfs.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_STATVFS_H
#define _POLUS_SYS_STATVFS_H
#include <_polus_types.h>
struct statvfs { unsigned long f_bsize; unsigned long f_frsize; fsblkcnt_t f_blocks; fsblkcnt_t f_bfree;
                 fsblkcnt_t f_bavail; fsfilcnt_t f_files; fsfilcnt_t f_ffree; fsfilcnt_t f_favail;
                 unsigned long f_fsid; unsigned long f_flag; unsigned long f_namemax; };
#define ST_RDONLY ST_RDONLY
#define ST_NOSUID ST_NOSUID
int statvfs(const char *, struct statvfs *);
int fstatvfs(int, struct statvfs *);
/* more names the real header defines (values are its business) */
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define ST_APPEND ST_APPEND
#define ST_IMMUTABLE ST_IMMUTABLE
#define ST_MANDLOCK ST_MANDLOCK
#define ST_NOATIME ST_NOATIME
#define ST_NODEV ST_NODEV
#define ST_NODIRATIME ST_NODIRATIME
#define ST_NOEXEC ST_NOEXEC
#define ST_RELATIME ST_RELATIME
#define ST_SYNCHRONOUS ST_SYNCHRONOUS
#define ST_WRITE ST_WRITE
#endif /* GNU */
#endif
