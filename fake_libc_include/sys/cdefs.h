/* polusgen fake <sys/cdefs.h>: glibc's declaration helpers (__THROW,
 * __attribute_malloc__, __REDIRECT, ...) are in _polus_prelude.h, spelled so
 * that pycparser reads the real C library headers polusgen has no stand-in for
 * (those are read from the compiler's include path).  See README.md. */
#ifndef _POLUS_SYS_CDEFS_H
#define _POLUS_SYS_CDEFS_H
#include <features.h>
#endif
