/* polusgen fake <shadow.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SHADOW_H
#define _POLUS_SHADOW_H
struct spwd { char *sp_namp; char *sp_pwdp; long sp_lstchg; long sp_min; long sp_max; long sp_warn;
              long sp_inact; long sp_expire; unsigned long sp_flag; };
struct spwd *getspnam(const char *);
struct spwd *getspent(void);
void setspent(void);
void endspent(void);
int lckpwdf(void);
int ulckpwdf(void);
/* more names the real header defines (values are its business) */
#define SHADOW SHADOW
#endif
