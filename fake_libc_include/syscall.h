/* polusgen fake <syscall.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYSCALL_H
#define _POLUS_SYSCALL_H
#include <sys/syscall.h>
#endif
