/* polusgen fake <poll.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_POLL_H
#define _POLUS_POLL_H
#include <signal.h>
struct pollfd { int fd; short events; short revents; };
typedef unsigned long nfds_t;
#define POLLIN POLLIN
#define POLLPRI POLLPRI
#define POLLOUT POLLOUT
#define POLLERR POLLERR
#define POLLHUP POLLHUP
#define POLLNVAL POLLNVAL
#define POLLRDNORM POLLRDNORM
#define POLLRDBAND POLLRDBAND
#define POLLWRNORM POLLWRNORM
#define POLLWRBAND POLLWRBAND
int poll(struct pollfd *, nfds_t, int);
int ppoll(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define POLLRDHUP POLLRDHUP
#endif /* GNU */
/* more names the real header defines (values are its business) */
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define POLLMSG POLLMSG
#define POLLREMOVE POLLREMOVE
#endif /* GNU */
#endif
