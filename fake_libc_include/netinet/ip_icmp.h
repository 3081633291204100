/* polusgen fake <netinet/ip_icmp.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NETINET_IP_ICMP_H
#define _POLUS_NETINET_IP_ICMP_H
#include <netinet/in.h>
#include <netinet/ip.h>
struct icmphdr { uint8_t type; uint8_t code; uint16_t checksum; union { struct { uint16_t id; uint16_t sequence; } echo; uint32_t gateway; } un; };
struct icmp { uint8_t icmp_type; uint8_t icmp_code; uint16_t icmp_cksum; union { struct { uint16_t icd_id; uint16_t icd_seq; } ih_idseq; uint32_t ih_void; } icmp_hun; union { struct ip idi_ip; uint8_t id_data[1]; } icmp_dun; };
#define ICMP_ECHO ICMP_ECHO
#define ICMP_ECHOREPLY ICMP_ECHOREPLY
#define ICMP_UNREACH ICMP_UNREACH
#define ICMP_MINLEN ICMP_MINLEN
#endif
