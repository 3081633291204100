/* polusgen fake <linux/rtnetlink.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_LINUX_RTNETLINK_H
#define _POLUS_LINUX_RTNETLINK_H
#include <linux/netlink.h>
#include <linux/if_addr.h>
struct rtattr { unsigned short rta_len; unsigned short rta_type; };
struct rtmsg { unsigned char rtm_family; unsigned char rtm_dst_len; unsigned char rtm_src_len; unsigned char rtm_tos;
               unsigned char rtm_table; unsigned char rtm_protocol; unsigned char rtm_scope; unsigned char rtm_type; unsigned rtm_flags; };
struct ifinfomsg { unsigned char ifi_family; unsigned char __ifi_pad; unsigned short ifi_type; int ifi_index; unsigned ifi_flags; unsigned ifi_change; };
struct ndmsg { __u8 ndm_family; __u8 ndm_pad1; __u16 ndm_pad2; __s32 ndm_ifindex; __u16 ndm_state; __u8 ndm_flags; __u8 ndm_type; };
struct rtgenmsg { unsigned char rtgen_family; };
/* RTA_OK, RTA_NEXT, RTA_DATA, RTA_PAYLOAD, RTA_LENGTH, IFA_RTA, RTM_RTA, NLMSG_* parse as calls */
#define RTM_NEWLINK RTM_NEWLINK
#define RTM_DELLINK RTM_DELLINK
#define RTM_GETLINK RTM_GETLINK
#define RTM_NEWADDR RTM_NEWADDR
#define RTM_DELADDR RTM_DELADDR
#define RTM_GETADDR RTM_GETADDR
#define RTM_NEWROUTE RTM_NEWROUTE
#define RTM_DELROUTE RTM_DELROUTE
#define RTM_GETROUTE RTM_GETROUTE
#define RTM_NEWNEIGH RTM_NEWNEIGH
#define RTM_GETNEIGH RTM_GETNEIGH
#define RTMGRP_LINK RTMGRP_LINK
#define RTMGRP_IPV4_IFADDR RTMGRP_IPV4_IFADDR
#define RTMGRP_IPV4_ROUTE RTMGRP_IPV4_ROUTE
#define RTMGRP_IPV6_IFADDR RTMGRP_IPV6_IFADDR
#define RTMGRP_IPV6_ROUTE RTMGRP_IPV6_ROUTE
#define RTA_DST RTA_DST
#define RTA_GATEWAY RTA_GATEWAY
#define RTA_OIF RTA_OIF
#define NDA_DST NDA_DST
#define NDA_LLADDR NDA_LLADDR
#define IFLA_ADDRESS IFLA_ADDRESS
#define IFLA_IFNAME IFLA_IFNAME
#define IFLA_MTU IFLA_MTU
#define RT_TABLE_MAIN RT_TABLE_MAIN
#define RTN_UNICAST RTN_UNICAST
#define RTPROT_BOOT RTPROT_BOOT
#endif
