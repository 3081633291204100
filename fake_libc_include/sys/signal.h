/* polusgen fake <sys/signal.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_SIGNAL_H
#define _POLUS_SYS_SIGNAL_H
#include <signal.h>
#endif
