/* polusgen fake <sys/statfs.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_STATFS_H
#define _POLUS_SYS_STATFS_H
#include <_polus_types.h>
struct statfs { long f_type; long f_bsize; fsblkcnt_t f_blocks; fsblkcnt_t f_bfree; fsblkcnt_t f_bavail;
                fsfilcnt_t f_files; fsfilcnt_t f_ffree; fsid_t f_fsid; long f_namelen; long f_frsize;
                long f_flags; long f_spare[4]; };
int statfs(const char *, struct statfs *);
int fstatfs(int, struct statfs *);
#endif
