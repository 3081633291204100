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
#define SOL_NETLINK SOL_NETLINK
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
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define SCM_CREDENTIALS SCM_CREDENTIALS
#endif /* GNU */
/* more names the real header defines (values are its business) */
#define AF_ALG AF_ALG
#define AF_APPLETALK AF_APPLETALK
#define AF_ASH AF_ASH
#define AF_ATMPVC AF_ATMPVC
#define AF_ATMSVC AF_ATMSVC
#define AF_AX25 AF_AX25
#define AF_BLUETOOTH AF_BLUETOOTH
#define AF_BRIDGE AF_BRIDGE
#define AF_CAIF AF_CAIF
#define AF_CAN AF_CAN
#define AF_ECONET AF_ECONET
#define AF_FILE AF_FILE
#define AF_IB AF_IB
#define AF_IEEE802154 AF_IEEE802154
#define AF_IPX AF_IPX
#define AF_IRDA AF_IRDA
#define AF_ISDN AF_ISDN
#define AF_IUCV AF_IUCV
#define AF_KCM AF_KCM
#define AF_KEY AF_KEY
#define AF_LLC AF_LLC
#define AF_MAX AF_MAX
#define AF_MCTP AF_MCTP
#define AF_MPLS AF_MPLS
#define AF_NETBEUI AF_NETBEUI
#define AF_NETROM AF_NETROM
#define AF_NFC AF_NFC
#define AF_PHONET AF_PHONET
#define AF_PPPOX AF_PPPOX
#define AF_QIPCRTR AF_QIPCRTR
#define AF_RDS AF_RDS
#define AF_ROSE AF_ROSE
#define AF_ROUTE AF_ROUTE
#define AF_RXRPC AF_RXRPC
#define AF_SECURITY AF_SECURITY
#define AF_SMC AF_SMC
#define AF_SNA AF_SNA
#define AF_TIPC AF_TIPC
#define AF_VSOCK AF_VSOCK
#define AF_WANPIPE AF_WANPIPE
#define AF_X25 AF_X25
#define AF_XDP AF_XDP
#define FIOGETOWN FIOGETOWN
#define FIOSETOWN FIOSETOWN
#define MSG_BATCH MSG_BATCH
#define MSG_CONFIRM MSG_CONFIRM
#define MSG_ERRQUEUE MSG_ERRQUEUE
#define MSG_FASTOPEN MSG_FASTOPEN
#define MSG_FIN MSG_FIN
#define MSG_PROXY MSG_PROXY
#define MSG_RST MSG_RST
#define MSG_SYN MSG_SYN
#define MSG_WAITFORONE MSG_WAITFORONE
#define MSG_ZEROCOPY MSG_ZEROCOPY
#define PF_ALG PF_ALG
#define PF_APPLETALK PF_APPLETALK
#define PF_ASH PF_ASH
#define PF_ATMPVC PF_ATMPVC
#define PF_ATMSVC PF_ATMSVC
#define PF_AX25 PF_AX25
#define PF_BLUETOOTH PF_BLUETOOTH
#define PF_BRIDGE PF_BRIDGE
#define PF_CAIF PF_CAIF
#define PF_CAN PF_CAN
#define PF_ECONET PF_ECONET
#define PF_FILE PF_FILE
#define PF_IB PF_IB
#define PF_IEEE802154 PF_IEEE802154
#define PF_IPX PF_IPX
#define PF_IRDA PF_IRDA
#define PF_ISDN PF_ISDN
#define PF_IUCV PF_IUCV
#define PF_KCM PF_KCM
#define PF_KEY PF_KEY
#define PF_LLC PF_LLC
#define PF_MAX PF_MAX
#define PF_MCTP PF_MCTP
#define PF_MPLS PF_MPLS
#define PF_NETBEUI PF_NETBEUI
#define PF_NETLINK PF_NETLINK
#define PF_NETROM PF_NETROM
#define PF_NFC PF_NFC
#define PF_PACKET PF_PACKET
#define PF_PHONET PF_PHONET
#define PF_PPPOX PF_PPPOX
#define PF_QIPCRTR PF_QIPCRTR
#define PF_RDS PF_RDS
#define PF_ROSE PF_ROSE
#define PF_ROUTE PF_ROUTE
#define PF_RXRPC PF_RXRPC
#define PF_SECURITY PF_SECURITY
#define PF_SMC PF_SMC
#define PF_SNA PF_SNA
#define PF_TIPC PF_TIPC
#define PF_VSOCK PF_VSOCK
#define PF_WANPIPE PF_WANPIPE
#define PF_X25 PF_X25
#define PF_XDP PF_XDP
#define SCM_TIMESTAMP SCM_TIMESTAMP
#define SCM_TIMESTAMPING SCM_TIMESTAMPING
#define SCM_TIMESTAMPING_OPT_STATS SCM_TIMESTAMPING_OPT_STATS
#define SCM_TIMESTAMPING_PKTINFO SCM_TIMESTAMPING_PKTINFO
#define SCM_TIMESTAMPNS SCM_TIMESTAMPNS
#define SCM_TXTIME SCM_TXTIME
#define SCM_WIFI_STATUS SCM_WIFI_STATUS
#define SIOCATMARK SIOCATMARK
#define SIOCGPGRP SIOCGPGRP
#define SIOCGSTAMPNS_OLD SIOCGSTAMPNS_OLD
#define SIOCGSTAMP_OLD SIOCGSTAMP_OLD
#define SIOCSPGRP SIOCSPGRP
#define SOCK_DCCP SOCK_DCCP
#define SOCK_PACKET SOCK_PACKET
#define SOCK_RDM SOCK_RDM
#define SOL_AAL SOL_AAL
#define SOL_ALG SOL_ALG
#define SOL_ATM SOL_ATM
#define SOL_BLUETOOTH SOL_BLUETOOTH
#define SOL_CAIF SOL_CAIF
#define SOL_DCCP SOL_DCCP
#define SOL_DECNET SOL_DECNET
#define SOL_IRDA SOL_IRDA
#define SOL_IUCV SOL_IUCV
#define SOL_KCM SOL_KCM
#define SOL_LLC SOL_LLC
#define SOL_MCTP SOL_MCTP
#define SOL_MPTCP SOL_MPTCP
#define SOL_NETBEUI SOL_NETBEUI
#define SOL_NFC SOL_NFC
#define SOL_PACKET SOL_PACKET
#define SOL_PNPIPE SOL_PNPIPE
#define SOL_PPPOL2TP SOL_PPPOL2TP
#define SOL_RAW SOL_RAW
#define SOL_RDS SOL_RDS
#define SOL_RXRPC SOL_RXRPC
#define SOL_SMC SOL_SMC
#define SOL_TIPC SOL_TIPC
#define SOL_TLS SOL_TLS
#define SOL_X25 SOL_X25
#define SOL_XDP SOL_XDP
#define SO_ACCEPTCONN SO_ACCEPTCONN
#define SO_ATTACH_BPF SO_ATTACH_BPF
#define SO_ATTACH_FILTER SO_ATTACH_FILTER
#define SO_ATTACH_REUSEPORT_CBPF SO_ATTACH_REUSEPORT_CBPF
#define SO_ATTACH_REUSEPORT_EBPF SO_ATTACH_REUSEPORT_EBPF
#define SO_BINDTODEVICE SO_BINDTODEVICE
#define SO_BINDTOIFINDEX SO_BINDTOIFINDEX
#define SO_BPF_EXTENSIONS SO_BPF_EXTENSIONS
#define SO_BSDCOMPAT SO_BSDCOMPAT
#define SO_BUF_LOCK SO_BUF_LOCK
#define SO_BUSY_POLL SO_BUSY_POLL
#define SO_BUSY_POLL_BUDGET SO_BUSY_POLL_BUDGET
#define SO_CNX_ADVICE SO_CNX_ADVICE
#define SO_COOKIE SO_COOKIE
#define SO_DETACH_BPF SO_DETACH_BPF
#define SO_DETACH_FILTER SO_DETACH_FILTER
#define SO_DETACH_REUSEPORT_BPF SO_DETACH_REUSEPORT_BPF
#define SO_DOMAIN SO_DOMAIN
#define SO_GET_FILTER SO_GET_FILTER
#define SO_INCOMING_CPU SO_INCOMING_CPU
#define SO_INCOMING_NAPI_ID SO_INCOMING_NAPI_ID
#define SO_LOCK_FILTER SO_LOCK_FILTER
#define SO_MARK SO_MARK
#define SO_MAX_PACING_RATE SO_MAX_PACING_RATE
#define SO_MEMINFO SO_MEMINFO
#define SO_NETNS_COOKIE SO_NETNS_COOKIE
#define SO_NOFCS SO_NOFCS
#define SO_NO_CHECK SO_NO_CHECK
#define SO_PASSSEC SO_PASSSEC
#define SO_PEEK_OFF SO_PEEK_OFF
#define SO_PEERGROUPS SO_PEERGROUPS
#define SO_PEERNAME SO_PEERNAME
#define SO_PEERSEC SO_PEERSEC
#define SO_PREFER_BUSY_POLL SO_PREFER_BUSY_POLL
#define SO_PRIORITY SO_PRIORITY
#define SO_PROTOCOL SO_PROTOCOL
#define SO_RCVBUFFORCE SO_RCVBUFFORCE
#define SO_RCVMARK SO_RCVMARK
#define SO_RCVTIMEO_NEW SO_RCVTIMEO_NEW
#define SO_RCVTIMEO_OLD SO_RCVTIMEO_OLD
#define SO_RESERVE_MEM SO_RESERVE_MEM
#define SO_RXQ_OVFL SO_RXQ_OVFL
#define SO_SECURITY_AUTHENTICATION SO_SECURITY_AUTHENTICATION
#define SO_SECURITY_ENCRYPTION_NETWORK SO_SECURITY_ENCRYPTION_NETWORK
#define SO_SECURITY_ENCRYPTION_TRANSPORT SO_SECURITY_ENCRYPTION_TRANSPORT
#define SO_SELECT_ERR_QUEUE SO_SELECT_ERR_QUEUE
#define SO_SNDBUFFORCE SO_SNDBUFFORCE
#define SO_SNDTIMEO_NEW SO_SNDTIMEO_NEW
#define SO_SNDTIMEO_OLD SO_SNDTIMEO_OLD
#define SO_TIMESTAMP SO_TIMESTAMP
#define SO_TIMESTAMPING SO_TIMESTAMPING
#define SO_TIMESTAMPING_NEW SO_TIMESTAMPING_NEW
#define SO_TIMESTAMPING_OLD SO_TIMESTAMPING_OLD
#define SO_TIMESTAMPNS SO_TIMESTAMPNS
#define SO_TIMESTAMPNS_NEW SO_TIMESTAMPNS_NEW
#define SO_TIMESTAMPNS_OLD SO_TIMESTAMPNS_OLD
#define SO_TIMESTAMP_NEW SO_TIMESTAMP_NEW
#define SO_TIMESTAMP_OLD SO_TIMESTAMP_OLD
#define SO_TXREHASH SO_TXREHASH
#define SO_TXTIME SO_TXTIME
#define SO_WIFI_STATUS SO_WIFI_STATUS
#define SO_ZEROCOPY SO_ZEROCOPY
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define MSG_TRYHARD MSG_TRYHARD
#endif /* GNU */
#endif
