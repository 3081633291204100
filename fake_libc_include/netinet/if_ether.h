/* polusgen fake <netinet/if_ether.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NETINET_IF_ETHER_H
#define _POLUS_NETINET_IF_ETHER_H
#include <net/ethernet.h>
#include <net/if_arp.h>
struct ether_arp { struct arphdr ea_hdr; uint8_t arp_sha[6]; uint8_t arp_spa[4]; uint8_t arp_tha[6]; uint8_t arp_tpa[4]; };
#endif
