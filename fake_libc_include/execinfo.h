/* polusgen fake <execinfo.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_EXECINFO_H
#define _POLUS_EXECINFO_H
int backtrace(void **, int);
char **backtrace_symbols(void *const *, int);
void backtrace_symbols_fd(void *const *, int, int);
#endif
