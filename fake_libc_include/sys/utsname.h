/* polusgen fake <sys/utsname.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_UTSNAME_H
#define _POLUS_SYS_UTSNAME_H
struct utsname { char sysname[65]; char nodename[65]; char release[65]; char version[65];
                 char machine[65]; char domainname[65]; };
int uname(struct utsname *);
/* more names the real header defines (values are its business) */
#define SYS_NMLN SYS_NMLN
#endif
