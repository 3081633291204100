/* polusgen fake <wchar.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_WCHAR_H
#define _POLUS_WCHAR_H
#include <_polus_types.h>
#include <stdarg.h>
typedef int wchar_t;
typedef unsigned int wint_t;
typedef struct { int __count; unsigned int __value; } mbstate_t;
#define WEOF WEOF
size_t wcslen(const wchar_t *);
size_t mbrtowc(wchar_t *, const char *, size_t, mbstate_t *);
size_t wcrtomb(char *, wchar_t, mbstate_t *);
int wcwidth(wchar_t);
#endif
