/* polusgen fake <linux/netlink.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_LINUX_NETLINK_H
#define _POLUS_LINUX_NETLINK_H
#include <linux/types.h>
#include <sys/socket.h>
struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; __u32 nl_groups; };
struct nlmsghdr { __u32 nlmsg_len; __u16 nlmsg_type; __u16 nlmsg_flags; __u32 nlmsg_seq; __u32 nlmsg_pid; };
struct nlmsgerr { int error; struct nlmsghdr msg; };
struct nlattr { __u16 nla_len; __u16 nla_type; };
/* NLMSG_ALIGN, NLMSG_LENGTH, NLMSG_SPACE, NLMSG_DATA, NLMSG_NEXT, NLMSG_OK parse as calls */
#define NETLINK_ROUTE NETLINK_ROUTE
#define NETLINK_NETFILTER NETLINK_NETFILTER
#define NETLINK_NO_ENOBUFS NETLINK_NO_ENOBUFS
#define NLM_F_REQUEST NLM_F_REQUEST
#define NLM_F_MULTI NLM_F_MULTI
#define NLM_F_ACK NLM_F_ACK
#define NLM_F_ROOT NLM_F_ROOT
#define NLM_F_MATCH NLM_F_MATCH
#define NLM_F_DUMP NLM_F_DUMP
#define NLM_F_CREATE NLM_F_CREATE
#define NLM_F_EXCL NLM_F_EXCL
#define NLMSG_NOOP NLMSG_NOOP
#define NLMSG_ERROR NLMSG_ERROR
#define NLMSG_DONE NLMSG_DONE
#define NLMSG_HDRLEN NLMSG_HDRLEN
#endif
