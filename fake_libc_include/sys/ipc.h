/* polusgen fake <sys/ipc.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_IPC_H
#define _POLUS_SYS_IPC_H
#include <_polus_types.h>
struct ipc_perm { key_t __key; uid_t uid; gid_t gid; uid_t cuid; gid_t cgid; unsigned short mode; unsigned short __seq; };
#define IPC_CREAT IPC_CREAT
#define IPC_EXCL IPC_EXCL
#define IPC_NOWAIT IPC_NOWAIT
#define IPC_RMID IPC_RMID
#define IPC_SET IPC_SET
#define IPC_STAT IPC_STAT
#define IPC_PRIVATE IPC_PRIVATE
key_t ftok(const char *, int);
#endif
