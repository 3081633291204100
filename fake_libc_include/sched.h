/* polusgen fake <sched.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SCHED_H
#define _POLUS_SCHED_H
#include <_polus_types.h>
#include <time.h>
struct sched_param { int sched_priority; };
typedef struct { unsigned long __bits[16]; } cpu_set_t;
#define SCHED_OTHER SCHED_OTHER
#define SCHED_FIFO SCHED_FIFO
#define SCHED_RR SCHED_RR
int sched_yield(void);
int sched_get_priority_max(int);
int sched_get_priority_min(int);
int sched_setscheduler(pid_t, int, const struct sched_param *);
int sched_getscheduler(pid_t);
int sched_setaffinity(pid_t, size_t, const cpu_set_t *);
int sched_getaffinity(pid_t, size_t, cpu_set_t *);
int clone(int (*)(void *), void *, int, void *, ...);
int unshare(int);
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define CLONE_VM CLONE_VM
#define CLONE_FS CLONE_FS
#define CLONE_FILES CLONE_FILES
#define CLONE_SIGHAND CLONE_SIGHAND
#define CLONE_THREAD CLONE_THREAD
#define CLONE_NEWNS CLONE_NEWNS
#define CLONE_NEWPID CLONE_NEWPID
#define CLONE_NEWNET CLONE_NEWNET
#define CLONE_NEWIPC CLONE_NEWIPC
#define CLONE_NEWUTS CLONE_NEWUTS
#define CLONE_NEWUSER CLONE_NEWUSER
#endif /* GNU */
/* more names the real header defines (values are its business) */
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define CLONE_CHILD_CLEARTID CLONE_CHILD_CLEARTID
#define CLONE_CHILD_SETTID CLONE_CHILD_SETTID
#define CLONE_DETACHED CLONE_DETACHED
#define CLONE_IO CLONE_IO
#define CLONE_NEWCGROUP CLONE_NEWCGROUP
#define CLONE_NEWTIME CLONE_NEWTIME
#define CLONE_PARENT CLONE_PARENT
#define CLONE_PARENT_SETTID CLONE_PARENT_SETTID
#define CLONE_PIDFD CLONE_PIDFD
#define CLONE_PTRACE CLONE_PTRACE
#define CLONE_SETTLS CLONE_SETTLS
#define CLONE_SYSVSEM CLONE_SYSVSEM
#define CLONE_UNTRACED CLONE_UNTRACED
#define CLONE_VFORK CLONE_VFORK
#define CPU_SETSIZE CPU_SETSIZE
#define CSIGNAL CSIGNAL
#define SCHED_BATCH SCHED_BATCH
#define SCHED_DEADLINE SCHED_DEADLINE
#define SCHED_IDLE SCHED_IDLE
#define SCHED_ISO SCHED_ISO
#define SCHED_RESET_ON_FORK SCHED_RESET_ON_FORK
#endif /* GNU */
#endif
