/* polusgen fake <sys/signalfd.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_SIGNALFD_H
#define _POLUS_SYS_SIGNALFD_H
#include <stdint.h>
#include <signal.h>
struct signalfd_siginfo { uint32_t ssi_signo; int32_t ssi_errno; int32_t ssi_code; uint32_t ssi_pid;
                          uint32_t ssi_uid; int32_t ssi_fd; uint32_t ssi_tid; uint32_t ssi_band;
                          uint32_t ssi_overrun; uint32_t ssi_trapno; int32_t ssi_status; uint8_t __pad[84]; };
#define SFD_CLOEXEC SFD_CLOEXEC
#define SFD_NONBLOCK SFD_NONBLOCK
int signalfd(int, const sigset_t *, int);
#endif
