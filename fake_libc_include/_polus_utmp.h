/* polusgen fake <_polus_utmp.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS__POLUS_UTMP_H
#define _POLUS__POLUS_UTMP_H
#include <_polus_types.h>
#include <sys/time.h>
/* struct utmp and struct utmpx have the same members */
#define __POLUS_UTMP_MEMBERS { short ut_type; pid_t ut_pid; char ut_line[32]; char ut_id[4]; \
    char ut_user[32]; char ut_host[256]; struct exit_status ut_exit; int ut_session; \
    struct { int tv_sec; int tv_usec; } ut_tv; int ut_addr_v6[4]; char __unused[20]; }
struct exit_status { short e_termination; short e_exit; };
struct lastlog { int ll_time; char ll_line[32]; char ll_host[256]; };
#define UT_LINESIZE UT_LINESIZE
#define UT_NAMESIZE UT_NAMESIZE
#define UT_HOSTSIZE UT_HOSTSIZE
#define EMPTY EMPTY
#define RUN_LVL RUN_LVL
#define BOOT_TIME BOOT_TIME
#define NEW_TIME NEW_TIME
#define OLD_TIME OLD_TIME
#define INIT_PROCESS INIT_PROCESS
#define LOGIN_PROCESS LOGIN_PROCESS
#define USER_PROCESS USER_PROCESS
#define DEAD_PROCESS DEAD_PROCESS
#define ACCOUNTING ACCOUNTING
/* ut_name, ut_time, ut_xtime, ut_addr are members spelled through macros */
#endif
