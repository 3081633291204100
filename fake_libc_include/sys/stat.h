/* polusgen fake <sys/stat.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_STAT_H
#define _POLUS_SYS_STAT_H
#include <_polus_types.h>
#include <time.h>
struct stat {
    dev_t st_dev; ino_t st_ino; nlink_t st_nlink; mode_t st_mode; uid_t st_uid; gid_t st_gid;
    dev_t st_rdev; off_t st_size; blksize_t st_blksize; blkcnt_t st_blocks;
    struct timespec st_atim; struct timespec st_mtim; struct timespec st_ctim;
};
struct stat64;
/* st_atime etc. are member names spelled through macros in glibc; here they
 * stay as written (st_mtime) and the real header resolves them */
#define S_IFMT S_IFMT
#define S_IFDIR S_IFDIR
#define S_IFCHR S_IFCHR
#define S_IFBLK S_IFBLK
#define S_IFREG S_IFREG
#define S_IFIFO S_IFIFO
#define S_IFLNK S_IFLNK
#define S_IFSOCK S_IFSOCK
#define S_ISUID S_ISUID
#define S_ISGID S_ISGID
#define S_ISVTX S_ISVTX
#define S_IRWXU S_IRWXU
#define S_IRUSR S_IRUSR
#define S_IWUSR S_IWUSR
#define S_IXUSR S_IXUSR
#define S_IRWXG S_IRWXG
#define S_IRGRP S_IRGRP
#define S_IWGRP S_IWGRP
#define S_IXGRP S_IXGRP
#define S_IRWXO S_IRWXO
#define S_IROTH S_IROTH
#define S_IWOTH S_IWOTH
#define S_IXOTH S_IXOTH
#define S_IREAD S_IREAD
#define S_IWRITE S_IWRITE
#define S_IEXEC S_IEXEC
#define UTIME_NOW UTIME_NOW
#define UTIME_OMIT UTIME_OMIT
int stat(const char *, struct stat *);
int fstat(int, struct stat *);
int lstat(const char *, struct stat *);
int fstatat(int, const char *, struct stat *, int);
int chmod(const char *, mode_t);
int fchmod(int, mode_t);
int mkdir(const char *, mode_t);
int mkdirat(int, const char *, mode_t);
int mkfifo(const char *, mode_t);
int mknod(const char *, mode_t, dev_t);
mode_t umask(mode_t);
int futimens(int, const struct timespec [2]);
int utimensat(int, const char *, const struct timespec [2], int);
/* more names the real header defines (values are its business) */
#define ACCESSPERMS ACCESSPERMS
#define ALLPERMS ALLPERMS
#define DEFFILEMODE DEFFILEMODE
#define S_BLKSIZE S_BLKSIZE
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define STATX_ALL STATX_ALL
#define STATX_ATIME STATX_ATIME
#define STATX_ATTR_APPEND STATX_ATTR_APPEND
#define STATX_ATTR_AUTOMOUNT STATX_ATTR_AUTOMOUNT
#define STATX_ATTR_COMPRESSED STATX_ATTR_COMPRESSED
#define STATX_ATTR_DAX STATX_ATTR_DAX
#define STATX_ATTR_ENCRYPTED STATX_ATTR_ENCRYPTED
#define STATX_ATTR_IMMUTABLE STATX_ATTR_IMMUTABLE
#define STATX_ATTR_MOUNT_ROOT STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_NODUMP STATX_ATTR_NODUMP
#define STATX_ATTR_VERITY STATX_ATTR_VERITY
#define STATX_BASIC_STATS STATX_BASIC_STATS
#define STATX_BLOCKS STATX_BLOCKS
#define STATX_BTIME STATX_BTIME
#define STATX_CTIME STATX_CTIME
#define STATX_DIOALIGN STATX_DIOALIGN
#define STATX_GID STATX_GID
#define STATX_INO STATX_INO
#define STATX_MNT_ID STATX_MNT_ID
#define STATX_MODE STATX_MODE
#define STATX_MTIME STATX_MTIME
#define STATX_NLINK STATX_NLINK
#define STATX_SIZE STATX_SIZE
#define STATX_TYPE STATX_TYPE
#define STATX_UID STATX_UID
#define STATX__RESERVED STATX__RESERVED
#endif /* GNU */
#endif
