/* polusgen fake <sys/timerfd.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_TIMERFD_H
#define _POLUS_SYS_TIMERFD_H
#include <time.h>
#define TFD_CLOEXEC TFD_CLOEXEC
#define TFD_NONBLOCK TFD_NONBLOCK
#define TFD_TIMER_ABSTIME TFD_TIMER_ABSTIME
int timerfd_create(clockid_t, int);
int timerfd_settime(int, int, const struct itimerspec *, struct itimerspec *);
int timerfd_gettime(int, struct itimerspec *);
#endif
