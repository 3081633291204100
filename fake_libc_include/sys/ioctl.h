/* polusgen fake <sys/ioctl.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_IOCTL_H
#define _POLUS_SYS_IOCTL_H
struct winsize { unsigned short ws_row; unsigned short ws_col; unsigned short ws_xpixel; unsigned short ws_ypixel; };
#define FIONREAD FIONREAD
#define FIONBIO FIONBIO
#define FIOCLEX FIOCLEX
#define FIONCLEX FIONCLEX
#define FIOASYNC FIOASYNC
#define TIOCGWINSZ TIOCGWINSZ
#define TIOCSWINSZ TIOCSWINSZ
#define TIOCSCTTY TIOCSCTTY
#define TIOCNOTTY TIOCNOTTY
#define SIOCGIFADDR SIOCGIFADDR
#define SIOCGIFCONF SIOCGIFCONF
#define SIOCGIFFLAGS SIOCGIFFLAGS
int ioctl(int, unsigned long, ...);
#endif
