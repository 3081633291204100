/* polusgen fake <sys/poll.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_POLL_H
#define _POLUS_SYS_POLL_H
#include <poll.h>
#endif
