/* polusgen fake <limits.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_LIMITS_H
#define _POLUS_LIMITS_H
/* Values are the real header's business: the names survive into the AST.
 * Only the macros programs compare in #if get a value here. */
#define CHAR_BIT 8
#define SCHAR_MIN SCHAR_MIN
#define SCHAR_MAX SCHAR_MAX
#define UCHAR_MAX UCHAR_MAX
#define CHAR_MIN CHAR_MIN
#define CHAR_MAX CHAR_MAX
#define SHRT_MIN SHRT_MIN
#define SHRT_MAX SHRT_MAX
#define USHRT_MAX USHRT_MAX
#define INT_MIN INT_MIN
#define INT_MAX INT_MAX
#define UINT_MAX UINT_MAX
#define LONG_MIN LONG_MIN
#define LONG_MAX LONG_MAX
#define ULONG_MAX ULONG_MAX
#define LLONG_MIN LLONG_MIN
#define LLONG_MAX LLONG_MAX
#define ULLONG_MAX ULLONG_MAX
#define SSIZE_MAX SSIZE_MAX
#define PATH_MAX PATH_MAX
#define NAME_MAX NAME_MAX
#define PIPE_BUF PIPE_BUF
#define HOST_NAME_MAX HOST_NAME_MAX
#define LINE_MAX LINE_MAX
#define NGROUPS_MAX NGROUPS_MAX
#define IOV_MAX IOV_MAX
#define MB_LEN_MAX MB_LEN_MAX
#endif
