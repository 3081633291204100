/* polusgen fake <stddef.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_STDDEF_H
#define _POLUS_STDDEF_H
#include <_polus_types.h>
typedef int wchar_t;
typedef struct { long long __ll; long double __ld; } max_align_t;
#define NULL NULL
#define offsetof(T, m) __polus_offsetof((T *)0, m)
#endif
