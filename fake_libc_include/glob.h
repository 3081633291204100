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
#endif
