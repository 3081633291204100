/* polusgen fake <features.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_FEATURES_H
#define _POLUS_FEATURES_H
#define _POSIX_C_SOURCE 200809L
#include <sys/cdefs.h>   /* as glibc's <features.h> does */
#endif
