/* polusgen fake <utmp.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_UTMP_H
#define _POLUS_UTMP_H
#include <_polus_utmp.h>
struct utmp __POLUS_UTMP_MEMBERS;
#define UTMP_FILE UTMP_FILE
#define WTMP_FILE WTMP_FILE
#define _PATH_UTMP _PATH_UTMP
#define _PATH_WTMP _PATH_WTMP
#define _PATH_LASTLOG _PATH_LASTLOG
struct utmp *getutent(void);
struct utmp *getutid(const struct utmp *);
struct utmp *getutline(const struct utmp *);
struct utmp *pututline(const struct utmp *);
void setutent(void);
void endutent(void);
int utmpname(const char *);
void updwtmp(const char *, const struct utmp *);
void logwtmp(const char *, const char *, const char *);
int login_tty(int);
void login(const struct utmp *);
int logout(const char *);
/* more names the real header defines (values are its business) */
#define UTMP_FILENAME UTMP_FILENAME
#define UT_UNKNOWN UT_UNKNOWN
#define WTMP_FILENAME WTMP_FILENAME
#endif
