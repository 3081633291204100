/* polusgen fake <netinet/icmp6.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NETINET_ICMP6_H
#define _POLUS_NETINET_ICMP6_H
#include <netinet/in.h>
struct icmp6_hdr { uint8_t icmp6_type; uint8_t icmp6_code; uint16_t icmp6_cksum; union { uint32_t icmp6_un_data32[1]; uint16_t icmp6_un_data16[2]; uint8_t icmp6_un_data8[4]; } icmp6_dataun; };
struct icmp6_filter { uint32_t icmp6_filt[8]; };
struct nd_router_solicit { struct icmp6_hdr nd_rs_hdr; };
struct nd_router_advert { struct icmp6_hdr nd_ra_hdr; uint32_t nd_ra_reachable; uint32_t nd_ra_retransmit; };
struct nd_neighbor_solicit { struct icmp6_hdr nd_ns_hdr; struct in6_addr nd_ns_target; };
struct nd_opt_hdr { uint8_t nd_opt_type; uint8_t nd_opt_len; };
#define ICMP6_FILTER ICMP6_FILTER
#define ICMP6_ECHO_REQUEST ICMP6_ECHO_REQUEST
#define ICMP6_ECHO_REPLY ICMP6_ECHO_REPLY
#define ND_ROUTER_SOLICIT ND_ROUTER_SOLICIT
#define ND_ROUTER_ADVERT ND_ROUTER_ADVERT
#define ND_NEIGHBOR_SOLICIT ND_NEIGHBOR_SOLICIT
#define ND_NEIGHBOR_ADVERT ND_NEIGHBOR_ADVERT
/* ICMP6_FILTER_SETBLOCKALL, ICMP6_FILTER_SETPASS ... parse as calls */
#endif
