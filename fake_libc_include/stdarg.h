/* polusgen fake <stdarg.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_STDARG_H
#define _POLUS_STDARG_H
#include <_polus_types.h>
typedef __builtin_va_list va_list;
/* va_arg takes a type: rewritten into a call pycparser can parse and printed
 * back as va_arg(ap, T) by polusgen.frontend.cgen.SourceGenerator.  va_start,
 * va_end and va_copy parse as calls and stay undefined. */
#define va_arg(ap, T) __polus_va_arg(ap, (T *)0)
#endif
