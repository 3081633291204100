/* polusgen fake <pwd.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_PWD_H
#define _POLUS_PWD_H
#include <_polus_types.h>
struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; char *pw_gecos; char *pw_dir; char *pw_shell; };
struct passwd *getpwnam(const char *);
struct passwd *getpwuid(uid_t);
int getpwnam_r(const char *, struct passwd *, char *, size_t, struct passwd **);
int getpwuid_r(uid_t, struct passwd *, char *, size_t, struct passwd **);
struct passwd *getpwent(void);
void setpwent(void);
void endpwent(void);
/* more names the real header defines (values are its business) */
#define NSS_BUFLEN_PASSWD NSS_BUFLEN_PASSWD
#endif
