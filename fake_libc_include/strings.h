/* polusgen fake <strings.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_STRINGS_H
#define _POLUS_STRINGS_H
#include <_polus_types.h>
int strcasecmp(const char *, const char *);
int strncasecmp(const char *, const char *, size_t);
int bcmp(const void *, const void *, size_t);
void bcopy(const void *, void *, size_t);
void bzero(void *, size_t);
void explicit_bzero(void *, size_t);
char *index(const char *, int);
char *rindex(const char *, int);
int ffs(int);
#endif
