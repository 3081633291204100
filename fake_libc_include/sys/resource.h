/* polusgen fake <sys/resource.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_RESOURCE_H
#define _POLUS_SYS_RESOURCE_H
#include <_polus_types.h>
#include <sys/time.h>
typedef unsigned long rlim_t;
struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; };
struct rusage { struct timeval ru_utime; struct timeval ru_stime; long ru_maxrss; long ru_ixrss;
                long ru_idrss; long ru_isrss; long ru_minflt; long ru_majflt; long ru_nswap;
                long ru_inblock; long ru_oublock; long ru_msgsnd; long ru_msgrcv; long ru_nsignals;
                long ru_nvcsw; long ru_nivcsw; };
#define RLIMIT_CPU RLIMIT_CPU
#define RLIMIT_FSIZE RLIMIT_FSIZE
#define RLIMIT_DATA RLIMIT_DATA
#define RLIMIT_STACK RLIMIT_STACK
#define RLIMIT_CORE RLIMIT_CORE
#define RLIMIT_RSS RLIMIT_RSS
#define RLIMIT_NOFILE RLIMIT_NOFILE
#define RLIMIT_OFILE RLIMIT_OFILE
#define RLIMIT_AS RLIMIT_AS
#define RLIMIT_NPROC RLIMIT_NPROC
#define RLIMIT_MEMLOCK RLIMIT_MEMLOCK
#define RLIM_INFINITY RLIM_INFINITY
#define RUSAGE_SELF RUSAGE_SELF
#define RUSAGE_CHILDREN RUSAGE_CHILDREN
#define PRIO_PROCESS PRIO_PROCESS
#define PRIO_PGRP PRIO_PGRP
#define PRIO_USER PRIO_USER
int getrlimit(int, struct rlimit *);
int setrlimit(int, const struct rlimit *);
int getrusage(int, struct rusage *);
int getpriority(int, id_t);
int setpriority(int, id_t, int);
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define RUSAGE_THREAD RUSAGE_THREAD
#endif /* GNU */
/* more names the real header defines (values are its business) */
#define PRIO_MAX PRIO_MAX
#define PRIO_MIN PRIO_MIN
#define RLIMIT_LOCKS RLIMIT_LOCKS
#define RLIMIT_MSGQUEUE RLIMIT_MSGQUEUE
#define RLIMIT_NICE RLIMIT_NICE
#define RLIMIT_NLIMITS RLIMIT_NLIMITS
#define RLIMIT_RTPRIO RLIMIT_RTPRIO
#define RLIMIT_RTTIME RLIMIT_RTTIME
#define RLIMIT_SIGPENDING RLIMIT_SIGPENDING
#define RLIM_NLIMITS RLIM_NLIMITS
#define RLIM_SAVED_CUR RLIM_SAVED_CUR
#define RLIM_SAVED_MAX RLIM_SAVED_MAX
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define RLIM64_INFINITY RLIM64_INFINITY
#define RUSAGE_LWP RUSAGE_LWP
#endif /* GNU */
#endif
