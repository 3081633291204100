/* polusgen fake <sys/param.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_PARAM_H
#define _POLUS_SYS_PARAM_H
#include <_polus_types.h>
#include <limits.h>
#include <signal.h>
#include <endian.h>
/* MIN, MAX, howmany, roundup parse as calls */
#define MAXPATHLEN MAXPATHLEN
#define MAXHOSTNAMELEN MAXHOSTNAMELEN
#define MAXSYMLINKS MAXSYMLINKS
#define NOFILE NOFILE
#define NGROUPS NGROUPS
#define NBBY NBBY
#define HZ HZ
#define DEV_BSIZE DEV_BSIZE
/* more names the real header defines (values are its business) */
#define CANBSIZ CANBSIZ
#define EXEC_PAGESIZE EXEC_PAGESIZE
#define NCARGS NCARGS
#define NODEV NODEV
#define NOGROUP NOGROUP
#endif
