/* polusgen fake <ifaddrs.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_IFADDRS_H
#define _POLUS_IFADDRS_H
#include <sys/socket.h>
struct ifaddrs { struct ifaddrs *ifa_next; char *ifa_name; unsigned int ifa_flags; struct sockaddr *ifa_addr;
                 struct sockaddr *ifa_netmask; struct sockaddr *ifa_dstaddr; void *ifa_data; };
int getifaddrs(struct ifaddrs **);
void freeifaddrs(struct ifaddrs *);
#endif
