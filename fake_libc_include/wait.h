/* polusgen fake <wait.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_WAIT_H
#define _POLUS_WAIT_H
#include <sys/wait.h>
#endif
