/* polusgen fake <memory.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_MEMORY_H
#define _POLUS_MEMORY_H
#include <string.h>
#endif
