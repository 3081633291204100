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
#endif
