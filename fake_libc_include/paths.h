/* polusgen fake <paths.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_PATHS_H
#define _POLUS_PATHS_H
#define _PATH_BSHELL _PATH_BSHELL
#define _PATH_DEVNULL _PATH_DEVNULL
#define _PATH_TTY _PATH_TTY
#define _PATH_VARRUN _PATH_VARRUN
#define _PATH_TMP _PATH_TMP
#define _PATH_UTMP _PATH_UTMP
#define _PATH_WTMP _PATH_WTMP
#define _PATH_LASTLOG _PATH_LASTLOG
#define _PATH_MAILDIR _PATH_MAILDIR
#define _PATH_DEFPATH _PATH_DEFPATH
#define _PATH_STDPATH _PATH_STDPATH
#endif
