/* polusgen fake <sys/vfs.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_VFS_H
#define _POLUS_SYS_VFS_H
#include <sys/statfs.h>
#endif
