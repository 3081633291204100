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
int sched_yield(void);
int sched_get_priority_max(int);
int sched_get_priority_min(int);
int sched_setscheduler(pid_t, int, const struct sched_param *);
int sched_getscheduler(pid_t);
int sched_setaffinity(pid_t, size_t, const cpu_set_t *);
int sched_getaffinity(pid_t, size_t, cpu_set_t *);
int clone(int (*)(void *), void *, int, void *, ...);
int unshare(int);
#endif
