/* polusgen fake <asm/types.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_ASM_TYPES_H
#define _POLUS_ASM_TYPES_H
#include <linux/types.h>
#endif
