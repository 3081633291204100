/* polusgen fake <net/if.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NET_IF_H
#define _POLUS_NET_IF_H
#include <sys/socket.h>
struct if_nameindex { unsigned int if_index; char *if_name; };
struct ifreq { char ifr_name[16]; union { struct sockaddr ifru_addr; short ifru_flags; int ifru_ivalue; char ifru_slave[16]; } ifr_ifru; };
struct ifconf { int ifc_len; union { char *ifcu_buf; struct ifreq *ifcu_req; } ifc_ifcu; };
#define IFNAMSIZ IFNAMSIZ
#define IF_NAMESIZE IF_NAMESIZE
#define IFF_UP IFF_UP
#define IFF_LOOPBACK IFF_LOOPBACK
#define IFF_RUNNING IFF_RUNNING
unsigned int if_nametoindex(const char *);
char *if_indextoname(unsigned int, char *);
#endif
