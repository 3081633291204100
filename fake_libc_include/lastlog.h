/* polusgen fake <lastlog.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_LASTLOG_H
#define _POLUS_LASTLOG_H
#include <_polus_utmp.h>
#endif
