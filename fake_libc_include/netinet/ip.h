/* polusgen fake <netinet/ip.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NETINET_IP_H
#define _POLUS_NETINET_IP_H
#include <netinet/in.h>
#include <netinet/in_systm.h>
struct ip { unsigned int ip_hl:4; unsigned int ip_v:4; uint8_t ip_tos; unsigned short ip_len;
            unsigned short ip_id; unsigned short ip_off; uint8_t ip_ttl; uint8_t ip_p;
            unsigned short ip_sum; struct in_addr ip_src; struct in_addr ip_dst; };
struct iphdr;
#define IPTOS_LOWDELAY IPTOS_LOWDELAY
#define IPTOS_THROUGHPUT IPTOS_THROUGHPUT
#define IPTOS_RELIABILITY IPTOS_RELIABILITY
#define IPTOS_MINCOST IPTOS_MINCOST
#define IPVERSION IPVERSION
#define MAXTTL MAXTTL
#endif
