/* polusgen fake <linux/capability.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_LINUX_CAPABILITY_H
#define _POLUS_LINUX_CAPABILITY_H
#include <linux/types.h>
typedef struct __user_cap_header_struct { __u32 version; int pid; } *cap_user_header_t;
typedef struct __user_cap_data_struct { __u32 effective; __u32 permitted; __u32 inheritable; } *cap_user_data_t;
#define _LINUX_CAPABILITY_VERSION _LINUX_CAPABILITY_VERSION
#define _LINUX_CAPABILITY_VERSION_1 _LINUX_CAPABILITY_VERSION_1
#define _LINUX_CAPABILITY_VERSION_2 _LINUX_CAPABILITY_VERSION_2
#define _LINUX_CAPABILITY_VERSION_3 _LINUX_CAPABILITY_VERSION_3
#define CAP_CHOWN CAP_CHOWN
#define CAP_DAC_OVERRIDE CAP_DAC_OVERRIDE
#define CAP_DAC_READ_SEARCH CAP_DAC_READ_SEARCH
#define CAP_FOWNER CAP_FOWNER
#define CAP_FSETID CAP_FSETID
#define CAP_KILL CAP_KILL
#define CAP_SETGID CAP_SETGID
#define CAP_SETUID CAP_SETUID
#define CAP_SETPCAP CAP_SETPCAP
#define CAP_NET_BIND_SERVICE CAP_NET_BIND_SERVICE
#define CAP_NET_ADMIN CAP_NET_ADMIN
#define CAP_NET_RAW CAP_NET_RAW
#define CAP_IPC_LOCK CAP_IPC_LOCK
#define CAP_SYS_CHROOT CAP_SYS_CHROOT
#define CAP_SYS_PTRACE CAP_SYS_PTRACE
#define CAP_SYS_ADMIN CAP_SYS_ADMIN
#define CAP_SYS_RESOURCE CAP_SYS_RESOURCE
#define CAP_AUDIT_WRITE CAP_AUDIT_WRITE
/* CAP_TO_MASK parses as a call */
#endif
