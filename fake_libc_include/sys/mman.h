/* polusgen fake <sys/mman.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_MMAN_H
#define _POLUS_SYS_MMAN_H
#include <_polus_types.h>
#define PROT_NONE PROT_NONE
#define PROT_READ PROT_READ
#define PROT_WRITE PROT_WRITE
#define PROT_EXEC PROT_EXEC
#define MAP_SHARED MAP_SHARED
#define MAP_PRIVATE MAP_PRIVATE
#define MAP_FIXED MAP_FIXED
#define MAP_ANONYMOUS MAP_ANONYMOUS
#define MAP_ANON MAP_ANON
#define MAP_NORESERVE MAP_NORESERVE
#define MAP_POPULATE MAP_POPULATE
#define MAP_FAILED MAP_FAILED
#define MS_ASYNC MS_ASYNC
#define MS_SYNC MS_SYNC
#define MS_INVALIDATE MS_INVALIDATE
#define MCL_CURRENT MCL_CURRENT
#define MCL_FUTURE MCL_FUTURE
#define MADV_NORMAL MADV_NORMAL
#define MADV_SEQUENTIAL MADV_SEQUENTIAL
#define MADV_RANDOM MADV_RANDOM
#define MADV_WILLNEED MADV_WILLNEED
#define MADV_DONTNEED MADV_DONTNEED
void *mmap(void *, size_t, int, int, int, off_t);
int munmap(void *, size_t);
int mprotect(void *, size_t, int);
int msync(void *, size_t, int);
int mlock(const void *, size_t);
int munlock(const void *, size_t);
int mlockall(int);
int munlockall(void);
int madvise(void *, size_t, int);
void *mremap(void *, size_t, size_t, int, ...);
int shm_open(const char *, int, mode_t);
int shm_unlink(const char *);
#endif
