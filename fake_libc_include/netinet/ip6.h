/* polusgen fake <netinet/ip6.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NETINET_IP6_H
#define _POLUS_NETINET_IP6_H
#include <stdint.h>
#include <netinet/in.h>
struct ip6_hdr { union { struct { uint32_t ip6_un1_flow; uint16_t ip6_un1_plen; uint8_t ip6_un1_nxt; uint8_t ip6_un1_hlim; } ip6_un1; uint8_t ip6_un2_vfc; } ip6_ctlun; struct in6_addr ip6_src; struct in6_addr ip6_dst; };
struct ip6_ext { uint8_t ip6e_nxt; uint8_t ip6e_len; };
/* ip6_plen, ip6_nxt, ip6_hlim ... are members spelled through macros: they stay as written */
#endif
