/* polusgen fake <sys/syslog.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_SYSLOG_H
#define _POLUS_SYS_SYSLOG_H
#include <syslog.h>
#endif
