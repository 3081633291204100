/* polusgen fake <sys/syscall.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_SYSCALL_H
#define _POLUS_SYS_SYSCALL_H
#include <asm/unistd.h>
#define SYS_read SYS_read
#define SYS_write SYS_write
#define SYS_gettid SYS_gettid
#define SYS_capset SYS_capset
#define SYS_capget SYS_capget
#define SYS_clone SYS_clone
#define SYS_futex SYS_futex
#define SYS_tgkill SYS_tgkill
#define SYS_getrandom SYS_getrandom
#endif
