/* polusgen fake <signal.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SIGNAL_H
#define _POLUS_SIGNAL_H
#include <_polus_types.h>
#include <time.h>
typedef int sig_atomic_t;
typedef struct { unsigned long __val[16]; } sigset_t;
typedef void (*sighandler_t)(int);
typedef void (*__sighandler_t)(int);
union sigval { int sival_int; void *sival_ptr; };
typedef union sigval sigval_t;
typedef struct {
    int si_signo; int si_errno; int si_code;
    pid_t si_pid; uid_t si_uid; int si_status; void *si_addr; union sigval si_value;
} siginfo_t;
struct sigaction {
    void (*sa_handler)(int);
    void (*sa_sigaction)(int, siginfo_t *, void *);
    sigset_t sa_mask;
    int sa_flags;
    void (*sa_restorer)(void);
};
typedef struct { void *ss_sp; int ss_flags; size_t ss_size; } stack_t;
#define SIG_DFL SIG_DFL
#define SIG_IGN SIG_IGN
#define SIG_ERR SIG_ERR
#define SIG_BLOCK SIG_BLOCK
#define SIG_UNBLOCK SIG_UNBLOCK
#define SIG_SETMASK SIG_SETMASK
#define SIGHUP SIGHUP
#define SIGINT SIGINT
#define SIGQUIT SIGQUIT
#define SIGILL SIGILL
#define SIGTRAP SIGTRAP
#define SIGABRT SIGABRT
#define SIGIOT SIGIOT
#define SIGBUS SIGBUS
#define SIGFPE SIGFPE
#define SIGKILL SIGKILL
#define SIGUSR1 SIGUSR1
#define SIGSEGV SIGSEGV
#define SIGUSR2 SIGUSR2
#define SIGPIPE SIGPIPE
#define SIGALRM SIGALRM
#define SIGTERM SIGTERM
#define SIGSTKFLT SIGSTKFLT
#define SIGCHLD SIGCHLD
#define SIGCLD SIGCLD
#define SIGCONT SIGCONT
#define SIGSTOP SIGSTOP
#define SIGTSTP SIGTSTP
#define SIGTTIN SIGTTIN
#define SIGTTOU SIGTTOU
#define SIGURG SIGURG
#define SIGXCPU SIGXCPU
#define SIGXFSZ SIGXFSZ
#define SIGVTALRM SIGVTALRM
#define SIGPROF SIGPROF
#define SIGWINCH SIGWINCH
#define SIGIO SIGIO
#define SIGPOLL SIGPOLL
#define SIGPWR SIGPWR
#define SIGSYS SIGSYS
#define SIGRTMIN SIGRTMIN
#define SIGRTMAX SIGRTMAX
#define NSIG NSIG
#define SA_NOCLDSTOP SA_NOCLDSTOP
#define SA_NOCLDWAIT SA_NOCLDWAIT
#define SA_SIGINFO SA_SIGINFO
#define SA_ONSTACK SA_ONSTACK
#define SA_RESTART SA_RESTART
#define SA_NODEFER SA_NODEFER
#define SA_RESETHAND SA_RESETHAND
#define SA_INTERRUPT SA_INTERRUPT
#define SA_ONESHOT SA_ONESHOT
#define SA_NOMASK SA_NOMASK
sighandler_t signal(int, sighandler_t);
int kill(pid_t, int);
int killpg(pid_t, int);
int raise(int);
int sigaction(int, const struct sigaction *, struct sigaction *);
int sigemptyset(sigset_t *);
int sigfillset(sigset_t *);
int sigaddset(sigset_t *, int);
int sigdelset(sigset_t *, int);
int sigismember(const sigset_t *, int);
int sigprocmask(int, const sigset_t *, sigset_t *);
int pthread_sigmask(int, const sigset_t *, sigset_t *);
int sigsuspend(const sigset_t *);
int sigpending(sigset_t *);
int sigwait(const sigset_t *, int *);
int sigaltstack(const stack_t *, stack_t *);
int siginterrupt(int, int);
#endif
