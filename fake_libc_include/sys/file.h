/* polusgen fake <sys/file.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_FILE_H
#define _POLUS_SYS_FILE_H
#include <fcntl.h>
#define LOCK_SH LOCK_SH
#define LOCK_EX LOCK_EX
#define LOCK_NB LOCK_NB
#define LOCK_UN LOCK_UN
int flock(int, int);
/* more names the real header defines (values are its business) */
#define L_INCR L_INCR
#define L_SET L_SET
#define L_XTND L_XTND
#endif
