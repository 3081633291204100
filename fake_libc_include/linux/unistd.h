/* polusgen fake <linux/unistd.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_LINUX_UNISTD_H
#define _POLUS_LINUX_UNISTD_H
#include <asm/unistd.h>
#endif
