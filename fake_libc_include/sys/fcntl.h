/* polusgen fake <sys/fcntl.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_FCNTL_H
#define _POLUS_SYS_FCNTL_H
#include <fcntl.h>
#endif
