/* polusgen fake <sys/times.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_TIMES_H
#define _POLUS_SYS_TIMES_H
#include <_polus_types.h>
struct tms { clock_t tms_utime; clock_t tms_stime; clock_t tms_cutime; clock_t tms_cstime; };
clock_t times(struct tms *);
#endif
