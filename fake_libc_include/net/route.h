/* polusgen fake <net/route.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NET_ROUTE_H
#define _POLUS_NET_ROUTE_H
#include <sys/socket.h>
struct rtentry { unsigned long rt_pad1; struct sockaddr rt_dst; struct sockaddr rt_gateway; struct sockaddr rt_genmask;
                 unsigned short rt_flags; short rt_pad2; unsigned long rt_pad3; unsigned char rt_tos; unsigned char rt_class;
                 short rt_pad4[3]; short rt_metric; char *rt_dev; unsigned long rt_mtu; unsigned long rt_window; unsigned short rt_irtt; };
#define RTF_UP RTF_UP
#define RTF_GATEWAY RTF_GATEWAY
#define RTF_HOST RTF_HOST
#endif
