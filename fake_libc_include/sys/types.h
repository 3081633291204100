/* polusgen fake <sys/types.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_TYPES_H
#define _POLUS_SYS_TYPES_H
#include <_polus_types.h>
#include <_polus_pthreadtypes.h>
#include <sys/select.h>
#endif
