/* polusgen fake <err.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_ERR_H
#define _POLUS_ERR_H
#include <stdarg.h>
void err(int, const char *, ...);
void errx(int, const char *, ...);
void warn(const char *, ...);
void warnx(const char *, ...);
void verr(int, const char *, va_list);
void vwarn(const char *, va_list);
#endif
