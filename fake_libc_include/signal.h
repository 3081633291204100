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
/* more names the real header defines (values are its business) */
#define BUS_ADRALN BUS_ADRALN
#define BUS_ADRERR BUS_ADRERR
#define BUS_MCEERR_AO BUS_MCEERR_AO
#define BUS_MCEERR_AR BUS_MCEERR_AR
#define BUS_OBJERR BUS_OBJERR
#define CLD_CONTINUED CLD_CONTINUED
#define CLD_DUMPED CLD_DUMPED
#define CLD_EXITED CLD_EXITED
#define CLD_KILLED CLD_KILLED
#define CLD_STOPPED CLD_STOPPED
#define CLD_TRAPPED CLD_TRAPPED
#define FPE_CONDTRAP FPE_CONDTRAP
#define FPE_FLTDIV FPE_FLTDIV
#define FPE_FLTINV FPE_FLTINV
#define FPE_FLTOVF FPE_FLTOVF
#define FPE_FLTRES FPE_FLTRES
#define FPE_FLTSUB FPE_FLTSUB
#define FPE_FLTUND FPE_FLTUND
#define FPE_FLTUNK FPE_FLTUNK
#define FPE_INTDIV FPE_INTDIV
#define FPE_INTOVF FPE_INTOVF
#define FP_XSTATE_MAGIC1 FP_XSTATE_MAGIC1
#define FP_XSTATE_MAGIC2 FP_XSTATE_MAGIC2
#define FP_XSTATE_MAGIC2_SIZE FP_XSTATE_MAGIC2_SIZE
#define ILL_BADIADDR ILL_BADIADDR
#define ILL_BADSTK ILL_BADSTK
#define ILL_COPROC ILL_COPROC
#define ILL_ILLADR ILL_ILLADR
#define ILL_ILLOPC ILL_ILLOPC
#define ILL_ILLOPN ILL_ILLOPN
#define ILL_ILLTRP ILL_ILLTRP
#define ILL_PRVOPC ILL_PRVOPC
#define ILL_PRVREG ILL_PRVREG
#define MINSIGSTKSZ MINSIGSTKSZ
#define NGREG NGREG
#define POLL_ERR POLL_ERR
#define POLL_HUP POLL_HUP
#define POLL_IN POLL_IN
#define POLL_MSG POLL_MSG
#define POLL_OUT POLL_OUT
#define POLL_PRI POLL_PRI
#define SA_STACK SA_STACK
#define SEGV_ACCADI SEGV_ACCADI
#define SEGV_ACCERR SEGV_ACCERR
#define SEGV_ADIDERR SEGV_ADIDERR
#define SEGV_ADIPERR SEGV_ADIPERR
#define SEGV_BNDERR SEGV_BNDERR
#define SEGV_MAPERR SEGV_MAPERR
#define SEGV_MTEAERR SEGV_MTEAERR
#define SEGV_MTESERR SEGV_MTESERR
#define SEGV_PKUERR SEGV_PKUERR
#define SIGEV_NONE SIGEV_NONE
#define SIGEV_SIGNAL SIGEV_SIGNAL
#define SIGEV_THREAD SIGEV_THREAD
#define SIGEV_THREAD_ID SIGEV_THREAD_ID
#define SIGSTKSZ SIGSTKSZ
#define SI_ASYNCIO SI_ASYNCIO
#define SI_ASYNCNL SI_ASYNCNL
#define SI_DETHREAD SI_DETHREAD
#define SI_KERNEL SI_KERNEL
#define SI_MESGQ SI_MESGQ
#define SI_QUEUE SI_QUEUE
#define SI_SIGIO SI_SIGIO
#define SI_TIMER SI_TIMER
#define SI_TKILL SI_TKILL
#define SI_USER SI_USER
#define SS_DISABLE SS_DISABLE
#define SS_ONSTACK SS_ONSTACK
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define CLOSE_RANGE_CLOEXEC CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_UNSHARE CLOSE_RANGE_UNSHARE
#define F_LOCK F_LOCK
#define F_OK F_OK
#define F_TEST F_TEST
#define F_TLOCK F_TLOCK
#define F_ULOCK F_ULOCK
#define L_INCR L_INCR
#define L_SET L_SET
#define L_XTND L_XTND
#define REG_CR2 REG_CR2
#define REG_CSGSFS REG_CSGSFS
#define REG_EFL REG_EFL
#define REG_ERR REG_ERR
#define REG_OLDMASK REG_OLDMASK
#define REG_R10 REG_R10
#define REG_R11 REG_R11
#define REG_R12 REG_R12
#define REG_R13 REG_R13
#define REG_R14 REG_R14
#define REG_R15 REG_R15
#define REG_R8 REG_R8
#define REG_R9 REG_R9
#define REG_RAX REG_RAX
#define REG_RBP REG_RBP
#define REG_RBX REG_RBX
#define REG_RCX REG_RCX
#define REG_RDI REG_RDI
#define REG_RDX REG_RDX
#define REG_RIP REG_RIP
#define REG_RSI REG_RSI
#define REG_RSP REG_RSP
#define REG_TRAPNO REG_TRAPNO
#define R_OK R_OK
#define SEEK_CUR SEEK_CUR
#define SEEK_DATA SEEK_DATA
#define SEEK_END SEEK_END
#define SEEK_HOLE SEEK_HOLE
#define SEEK_SET SEEK_SET
#define SIG_HOLD SIG_HOLD
#define STDERR_FILENO STDERR_FILENO
#define STDIN_FILENO STDIN_FILENO
#define STDOUT_FILENO STDOUT_FILENO
#define TRAP_BRANCH TRAP_BRANCH
#define TRAP_BRKPT TRAP_BRKPT
#define TRAP_HWBKPT TRAP_HWBKPT
#define TRAP_TRACE TRAP_TRACE
#define TRAP_UNK TRAP_UNK
#define W_OK W_OK
#define X_OK X_OK
#endif /* GNU */
#endif
