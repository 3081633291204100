/* polusgen fake <sys/socket.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_SOCKET_H
#define _POLUS_SYS_SOCKET_H
#include <_polus_types.h>
#include <sys/uio.h>
typedef unsigned int socklen_t;
typedef unsigned short sa_family_t;
struct sockaddr { sa_family_t sa_family; char sa_data[14]; };
struct sockaddr_storage { sa_family_t ss_family; char __ss_padding[118]; unsigned long __ss_align; };
struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; size_t msg_iovlen;
                void *msg_control; size_t msg_controllen; int msg_flags; };
struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; };
struct linger { int l_onoff; int l_linger; };
struct ucred { pid_t pid; uid_t uid; gid_t gid; };
/* CMSG_FIRSTHDR, CMSG_NXTHDR, CMSG_DATA, CMSG_SPACE, CMSG_LEN parse as calls */
#define SOCK_STREAM SOCK_STREAM
#define SOCK_DGRAM SOCK_DGRAM
#define SOCK_RAW SOCK_RAW
#define SOCK_SEQPACKET SOCK_SEQPACKET
#define SOCK_NONBLOCK SOCK_NONBLOCK
#define SOCK_CLOEXEC SOCK_CLOEXEC
#define AF_UNSPEC AF_UNSPEC
#define AF_UNIX AF_UNIX
#define AF_LOCAL AF_LOCAL
#define AF_INET AF_INET
#define AF_INET6 AF_INET6
#define AF_NETLINK AF_NETLINK
#define AF_PACKET AF_PACKET
#define PF_UNSPEC PF_UNSPEC
#define PF_UNIX PF_UNIX
#define PF_LOCAL PF_LOCAL
#define PF_INET PF_INET
#define PF_INET6 PF_INET6
#define SOL_SOCKET SOL_SOCKET
#define SO_DEBUG SO_DEBUG
#define SO_REUSEADDR SO_REUSEADDR
#define SO_REUSEPORT SO_REUSEPORT
#define SO_TYPE SO_TYPE
#define SO_ERROR SO_ERROR
#define SO_DONTROUTE SO_DONTROUTE
#define SO_BROADCAST SO_BROADCAST
#define SO_SNDBUF SO_SNDBUF
#define SO_RCVBUF SO_RCVBUF
#define SO_KEEPALIVE SO_KEEPALIVE
#define SO_OOBINLINE SO_OOBINLINE
#define SO_LINGER SO_LINGER
#define SO_RCVLOWAT SO_RCVLOWAT
#define SO_SNDLOWAT SO_SNDLOWAT
#define SO_RCVTIMEO SO_RCVTIMEO
#define SO_SNDTIMEO SO_SNDTIMEO
#define SO_PEERCRED SO_PEERCRED
#define SO_PASSCRED SO_PASSCRED
#define SCM_RIGHTS SCM_RIGHTS
#define SCM_CREDENTIALS SCM_CREDENTIALS
#define SOMAXCONN SOMAXCONN
#define MSG_OOB MSG_OOB
#define MSG_PEEK MSG_PEEK
#define MSG_DONTROUTE MSG_DONTROUTE
#define MSG_CTRUNC MSG_CTRUNC
#define MSG_TRUNC MSG_TRUNC
#define MSG_DONTWAIT MSG_DONTWAIT
#define MSG_EOR MSG_EOR
#define MSG_WAITALL MSG_WAITALL
#define MSG_NOSIGNAL MSG_NOSIGNAL
#define MSG_MORE MSG_MORE
#define MSG_CMSG_CLOEXEC MSG_CMSG_CLOEXEC
#define SHUT_RD SHUT_RD
#define SHUT_WR SHUT_WR
#define SHUT_RDWR SHUT_RDWR
int socket(int, int, int);
int socketpair(int, int, int, int [2]);
int bind(int, const struct sockaddr *, socklen_t);
int connect(int, const struct sockaddr *, socklen_t);
int listen(int, int);
int accept(int, struct sockaddr *, socklen_t *);
int accept4(int, struct sockaddr *, socklen_t *, int);
int getsockname(int, struct sockaddr *, socklen_t *);
int getpeername(int, struct sockaddr *, socklen_t *);
int getsockopt(int, int, int, void *, socklen_t *);
int setsockopt(int, int, int, const void *, socklen_t);
ssize_t send(int, const void *, size_t, int);
ssize_t recv(int, void *, size_t, int);
ssize_t sendto(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
ssize_t recvfrom(int, void *, size_t, int, struct sockaddr *, socklen_t *);
ssize_t sendmsg(int, const struct msghdr *, int);
ssize_t recvmsg(int, struct msghdr *, int);
int shutdown(int, int);
int sockatmark(int);
#endif
