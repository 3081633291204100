/* polusgen fake <alloca.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_ALLOCA_H
#define _POLUS_ALLOCA_H
#include <_polus_types.h>
void *alloca(size_t);
#endif
