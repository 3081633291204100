/* polusgen fake <arpa/inet.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_ARPA_INET_H
#define _POLUS_ARPA_INET_H
#include <netinet/in.h>
in_addr_t inet_addr(const char *);
int inet_aton(const char *, struct in_addr *);
char *inet_ntoa(struct in_addr);
const char *inet_ntop(int, const void *, char *, socklen_t);
int inet_pton(int, const char *, void *);
in_addr_t inet_network(const char *);
#endif
