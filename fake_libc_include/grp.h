/* polusgen fake <grp.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_GRP_H
#define _POLUS_GRP_H
#include <_polus_types.h>
struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; char **gr_mem; };
struct group *getgrnam(const char *);
struct group *getgrgid(gid_t);
int getgrnam_r(const char *, struct group *, char *, size_t, struct group **);
int getgrgid_r(gid_t, struct group *, char *, size_t, struct group **);
struct group *getgrent(void);
void setgrent(void);
void endgrent(void);
int initgroups(const char *, gid_t);
int setgroups(size_t, const gid_t *);
int getgrouplist(const char *, gid_t, gid_t *, int *);
/* more names the real header defines (values are its business) */
#define NSS_BUFLEN_GROUP NSS_BUFLEN_GROUP
#endif
