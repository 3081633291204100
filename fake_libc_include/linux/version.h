/* polusgen fake <linux/version.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_LINUX_VERSION_H
#define _POLUS_LINUX_VERSION_H
/* Only ever compared in #if: these two get real values (Linux 6.1). */
#define LINUX_VERSION_CODE 393472
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + (c))
#endif
