/* polusgen fake <sys/errno.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_ERRNO_H
#define _POLUS_SYS_ERRNO_H
#include <errno.h>
#endif
