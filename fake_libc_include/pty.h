/* polusgen fake <pty.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_PTY_H
#define _POLUS_PTY_H
#include <termios.h>
#include <sys/ioctl.h>
int openpty(int *, int *, char *, const struct termios *, const struct winsize *);
pid_t forkpty(int *, char *, const struct termios *, const struct winsize *);
#endif
