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
#endif
