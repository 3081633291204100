/* polusgen fake <sys/time.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_TIME_H
#define _POLUS_SYS_TIME_H
#include <_polus_types.h>
#include <time.h>
#include <sys/select.h>
struct timezone { int tz_minuteswest; int tz_dsttime; };
struct itimerval { struct timeval it_interval; struct timeval it_value; };
#define ITIMER_REAL ITIMER_REAL
#define ITIMER_VIRTUAL ITIMER_VIRTUAL
#define ITIMER_PROF ITIMER_PROF
int gettimeofday(struct timeval *, void *);
int settimeofday(const struct timeval *, const struct timezone *);
int getitimer(int, struct itimerval *);
int setitimer(int, const struct itimerval *, struct itimerval *);
int utimes(const char *, const struct timeval [2]);
int futimes(int, const struct timeval [2]);
#endif
