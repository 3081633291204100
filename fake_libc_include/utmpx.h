/* polusgen fake <utmpx.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_UTMPX_H
#define _POLUS_UTMPX_H
#include <_polus_utmp.h>
struct utmpx __POLUS_UTMP_MEMBERS;
struct utmpx *getutxent(void);
struct utmpx *getutxid(const struct utmpx *);
struct utmpx *getutxline(const struct utmpx *);
struct utmpx *pututxline(const struct utmpx *);
void setutxent(void);
void endutxent(void);
int utmpxname(const char *);
void updwtmpx(const char *, const struct utmpx *);
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define UTMPX_FILE UTMPX_FILE
#define WTMPX_FILE WTMPX_FILE
#define _PATH_UTMPX _PATH_UTMPX
#define _PATH_WTMPX _PATH_WTMPX
#endif /* GNU */
/* more names the real header defines (values are its business) */
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define UTMPX_FILENAME UTMPX_FILENAME
#define WTMPX_FILENAME WTMPX_FILENAME
#endif /* GNU */
#endif
