/* polusgen fake <inttypes.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_INTTYPES_H
#define _POLUS_INTTYPES_H
#include <stdint.h>
typedef struct { intmax_t quot; intmax_t rem; } imaxdiv_t;
intmax_t strtoimax(const char *, char **, int);
uintmax_t strtoumax(const char *, char **, int);
intmax_t imaxabs(intmax_t);
#endif
