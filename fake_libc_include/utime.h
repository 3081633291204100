/* polusgen fake <utime.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_UTIME_H
#define _POLUS_UTIME_H
#include <_polus_types.h>
struct utimbuf { time_t actime; time_t modtime; };
int utime(const char *, const struct utimbuf *);
#endif
