/* polusgen fake <sys/sysmacros.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_SYSMACROS_H
#define _POLUS_SYS_SYSMACROS_H
/* major, minor, makedev parse as calls */
#endif
