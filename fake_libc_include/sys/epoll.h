/* polusgen fake <sys/epoll.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_EPOLL_H
#define _POLUS_SYS_EPOLL_H
#include <stdint.h>
#include <signal.h>
typedef union epoll_data { void *ptr; int fd; uint32_t u32; uint64_t u64; } epoll_data_t;
struct epoll_event { uint32_t events; epoll_data_t data; };
#define EPOLLIN EPOLLIN
#define EPOLLPRI EPOLLPRI
#define EPOLLOUT EPOLLOUT
#define EPOLLERR EPOLLERR
#define EPOLLHUP EPOLLHUP
#define EPOLLRDHUP EPOLLRDHUP
#define EPOLLET EPOLLET
#define EPOLLONESHOT EPOLLONESHOT
#define EPOLLEXCLUSIVE EPOLLEXCLUSIVE
#define EPOLL_CTL_ADD EPOLL_CTL_ADD
#define EPOLL_CTL_MOD EPOLL_CTL_MOD
#define EPOLL_CTL_DEL EPOLL_CTL_DEL
#define EPOLL_CLOEXEC EPOLL_CLOEXEC
int epoll_create(int);
int epoll_create1(int);
int epoll_ctl(int, int, int, struct epoll_event *);
int epoll_wait(int, struct epoll_event *, int, int);
int epoll_pwait(int, struct epoll_event *, int, int, const sigset_t *);
/* more names the real header defines (values are its business) */
#define EPOLLMSG EPOLLMSG
#define EPOLLRDBAND EPOLLRDBAND
#define EPOLLRDNORM EPOLLRDNORM
#define EPOLLWAKEUP EPOLLWAKEUP
#define EPOLLWRBAND EPOLLWRBAND
#define EPOLLWRNORM EPOLLWRNORM
#endif
