/* polusgen fake <syslog.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYSLOG_H
#define _POLUS_SYSLOG_H
#include <stdarg.h>
/* LOG_MAKEPRI and LOG_MASK parse as calls */
#define LOG_EMERG LOG_EMERG
#define LOG_ALERT LOG_ALERT
#define LOG_CRIT LOG_CRIT
#define LOG_ERR LOG_ERR
#define LOG_WARNING LOG_WARNING
#define LOG_NOTICE LOG_NOTICE
#define LOG_INFO LOG_INFO
#define LOG_DEBUG LOG_DEBUG
#define LOG_KERN LOG_KERN
#define LOG_USER LOG_USER
#define LOG_MAIL LOG_MAIL
#define LOG_DAEMON LOG_DAEMON
#define LOG_AUTH LOG_AUTH
#define LOG_SYSLOG LOG_SYSLOG
#define LOG_LPR LOG_LPR
#define LOG_NEWS LOG_NEWS
#define LOG_UUCP LOG_UUCP
#define LOG_CRON LOG_CRON
#define LOG_AUTHPRIV LOG_AUTHPRIV
#define LOG_FTP LOG_FTP
#define LOG_LOCAL0 LOG_LOCAL0
#define LOG_LOCAL1 LOG_LOCAL1
#define LOG_LOCAL2 LOG_LOCAL2
#define LOG_LOCAL3 LOG_LOCAL3
#define LOG_LOCAL4 LOG_LOCAL4
#define LOG_LOCAL5 LOG_LOCAL5
#define LOG_LOCAL6 LOG_LOCAL6
#define LOG_LOCAL7 LOG_LOCAL7
#define LOG_PID LOG_PID
#define LOG_CONS LOG_CONS
#define LOG_ODELAY LOG_ODELAY
#define LOG_NDELAY LOG_NDELAY
#define LOG_NOWAIT LOG_NOWAIT
#define LOG_PERROR LOG_PERROR
#ifdef SYSLOG_NAMES
/* the real header defines these tables here when asked */
typedef struct _code { char *c_name; int c_val; } CODE;
extern CODE prioritynames[];
extern CODE facilitynames[];
#endif
void openlog(const char *, int, int);
void syslog(int, const char *, ...);
void vsyslog(int, const char *, va_list);
void closelog(void);
int setlogmask(int);
/* more names the real header defines (values are its business) */
#define LOG_FACMASK LOG_FACMASK
#define LOG_NFACILITIES LOG_NFACILITIES
#define LOG_PRIMASK LOG_PRIMASK
#endif
