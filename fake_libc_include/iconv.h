/* polusgen fake <iconv.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_ICONV_H
#define _POLUS_ICONV_H
#include <_polus_types.h>
typedef void *iconv_t;
iconv_t iconv_open(const char *, const char *);
size_t iconv(iconv_t, char **, size_t *, char **, size_t *);
int iconv_close(iconv_t);
#endif
