/* polusgen fake <sys/wait.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_WAIT_H
#define _POLUS_SYS_WAIT_H
#include <_polus_types.h>
#include <signal.h>
#include <sys/resource.h>
typedef enum { P_ALL, P_PID, P_PGID } idtype_t;
/* WIFEXITED, WEXITSTATUS, WIFSIGNALED, WTERMSIG, WIFSTOPPED, WSTOPSIG parse as calls */
#define WNOHANG WNOHANG
#define WUNTRACED WUNTRACED
#define WCONTINUED WCONTINUED
#define WEXITED WEXITED
#define WSTOPPED WSTOPPED
#define WNOWAIT WNOWAIT
#define __WALL __WALL
pid_t wait(int *);
pid_t waitpid(pid_t, int *, int);
int waitid(idtype_t, id_t, siginfo_t *, int);
pid_t wait3(int *, int, struct rusage *);
pid_t wait4(pid_t, int *, int, struct rusage *);
/* more names the real header defines (values are its business) */
#define WAIT_ANY WAIT_ANY
#define WAIT_MYPGRP WAIT_MYPGRP
#define WCOREFLAG WCOREFLAG
#endif
