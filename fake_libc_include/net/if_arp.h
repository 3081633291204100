/* polusgen fake <net/if_arp.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NET_IF_ARP_H
#define _POLUS_NET_IF_ARP_H
#include <sys/socket.h>
struct arphdr { unsigned short ar_hrd; unsigned short ar_pro; unsigned char ar_hln; unsigned char ar_pln; unsigned short ar_op; };
struct arpreq { struct sockaddr arp_pa; struct sockaddr arp_ha; int arp_flags; struct sockaddr arp_netmask; char arp_dev[16]; };
#define ARPHRD_ETHER ARPHRD_ETHER
#define ARPHRD_IEEE802 ARPHRD_IEEE802
#define ARPHRD_LOOPBACK ARPHRD_LOOPBACK
#define ARPHRD_INFINIBAND ARPHRD_INFINIBAND
#define ARPOP_REQUEST ARPOP_REQUEST
#define ARPOP_REPLY ARPOP_REPLY
#define ATF_COM ATF_COM
#define ATF_PERM ATF_PERM
#endif
