/* polusgen fake <glob.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_GLOB_H
#define _POLUS_GLOB_H
#include <_polus_types.h>
typedef struct { size_t gl_pathc; char **gl_pathv; size_t gl_offs; int gl_flags; } glob_t;
#define GLOB_ERR GLOB_ERR
#define GLOB_MARK GLOB_MARK
#define GLOB_NOSORT GLOB_NOSORT
#define GLOB_DOOFFS GLOB_DOOFFS
#define GLOB_NOCHECK GLOB_NOCHECK
#define GLOB_APPEND GLOB_APPEND
#define GLOB_NOESCAPE GLOB_NOESCAPE
#define GLOB_NOSPACE GLOB_NOSPACE
#define GLOB_ABORTED GLOB_ABORTED
#define GLOB_NOMATCH GLOB_NOMATCH
#define GLOB_BRACE GLOB_BRACE
#define GLOB_TILDE GLOB_TILDE
int glob(const char *, int, int (*)(const char *, int), glob_t *);
void globfree(glob_t *);
/* more names the real header defines (values are its business) */
#define GLOB_ALTDIRFUNC GLOB_ALTDIRFUNC
#define GLOB_MAGCHAR GLOB_MAGCHAR
#define GLOB_NOMAGIC GLOB_NOMAGIC
#define GLOB_NOSYS GLOB_NOSYS
#define GLOB_ONLYDIR GLOB_ONLYDIR
#define GLOB_PERIOD GLOB_PERIOD
#define GLOB_TILDE_CHECK GLOB_TILDE_CHECK
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define GLOB_ABEND GLOB_ABEND
#endif /* GNU */
#endif
