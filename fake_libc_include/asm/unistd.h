/* polusgen fake <asm/unistd.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_ASM_UNISTD_H
#define _POLUS_ASM_UNISTD_H
/* __NR_* stay as written (the real header numbers them); they are defined to
 * themselves so that #ifdef __NR_x works. */
#define __NR_read __NR_read
#define __NR_write __NR_write
#define __NR_open __NR_open
#define __NR_close __NR_close
#define __NR_getpid __NR_getpid
#define __NR_gettid __NR_gettid
#define __NR_capset __NR_capset
#define __NR_capget __NR_capget
#define __NR_clone __NR_clone
#define __NR_sendfile __NR_sendfile
#define __NR_futex __NR_futex
#define __NR_tkill __NR_tkill
#define __NR_tgkill __NR_tgkill
#define __NR_getrandom __NR_getrandom
#define __NR_prctl __NR_prctl
#define __NR_setresuid __NR_setresuid
#define __NR_setresgid __NR_setresgid
#define __NR_setgroups __NR_setgroups
#define __NR_exit_group __NR_exit_group
#endif
