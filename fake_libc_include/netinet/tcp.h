/* polusgen fake <netinet/tcp.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NETINET_TCP_H
#define _POLUS_NETINET_TCP_H
#include <stdint.h>
#define TCP_NODELAY TCP_NODELAY
#define TCP_MAXSEG TCP_MAXSEG
#define TCP_CORK TCP_CORK
#define TCP_KEEPIDLE TCP_KEEPIDLE
#define TCP_KEEPINTVL TCP_KEEPINTVL
#define TCP_KEEPCNT TCP_KEEPCNT
#define TCP_DEFER_ACCEPT TCP_DEFER_ACCEPT
#define TCP_QUICKACK TCP_QUICKACK
#define TCP_NOPUSH TCP_NOPUSH
#define SOL_TCP SOL_TCP
#endif
