/* polusgen fake <sys/select.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_SELECT_H
#define _POLUS_SYS_SELECT_H
#include <_polus_types.h>
#include <time.h>
#include <signal.h>
struct timeval { time_t tv_sec; suseconds_t tv_usec; };
typedef long fd_mask;
typedef long __fd_mask;
typedef struct { long fds_bits[16]; } fd_set;
/* FD_SET, FD_CLR, FD_ISSET and FD_ZERO parse as calls and stay as written */
#define FD_SETSIZE FD_SETSIZE
#define NFDBITS NFDBITS
int select(int, fd_set *, fd_set *, fd_set *, struct timeval *);
int pselect(int, fd_set *, fd_set *, fd_set *, const struct timespec *, const sigset_t *);
#endif
