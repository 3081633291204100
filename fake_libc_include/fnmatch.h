/* polusgen fake <fnmatch.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_FNMATCH_H
#define _POLUS_FNMATCH_H
#define FNM_NOMATCH FNM_NOMATCH
#define FNM_NOESCAPE FNM_NOESCAPE
#define FNM_PATHNAME FNM_PATHNAME
#define FNM_PERIOD FNM_PERIOD
#define FNM_CASEFOLD FNM_CASEFOLD
#define FNM_LEADING_DIR FNM_LEADING_DIR
int fnmatch(const char *, const char *, int);
/* more names the real header defines (values are its business) */
#define FNM_EXTMATCH FNM_EXTMATCH
#define FNM_FILE_NAME FNM_FILE_NAME
#endif
