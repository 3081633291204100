/* polusgen fake <sys/uio.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_UIO_H
#define _POLUS_SYS_UIO_H
#include <_polus_types.h>
struct iovec { void *iov_base; size_t iov_len; };
#define UIO_MAXIOV UIO_MAXIOV
ssize_t readv(int, const struct iovec *, int);
ssize_t writev(int, const struct iovec *, int);
ssize_t preadv(int, const struct iovec *, int, off_t);
ssize_t pwritev(int, const struct iovec *, int, off_t);
/* more names the real header defines (values are its business) */
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define RWF_APPEND RWF_APPEND
#define RWF_DSYNC RWF_DSYNC
#define RWF_HIPRI RWF_HIPRI
#define RWF_NOAPPEND RWF_NOAPPEND
#define RWF_NOWAIT RWF_NOWAIT
#define RWF_SYNC RWF_SYNC
#endif /* GNU */
#endif
