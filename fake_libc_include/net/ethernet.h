/* polusgen fake <net/ethernet.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NET_ETHERNET_H
#define _POLUS_NET_ETHERNET_H
#include <stdint.h>
struct ether_addr { uint8_t ether_addr_octet[6]; };
struct ether_header { uint8_t ether_dhost[6]; uint8_t ether_shost[6]; uint16_t ether_type; };
#define ETHER_ADDR_LEN ETHER_ADDR_LEN
#define ETH_ALEN ETH_ALEN
#define ETHERTYPE_IP ETHERTYPE_IP
#define ETHERTYPE_ARP ETHERTYPE_ARP
#define ETHERTYPE_IPV6 ETHERTYPE_IPV6
#define ETH_P_IP ETH_P_IP
#define ETH_P_ARP ETH_P_ARP
#define ETH_P_ALL ETH_P_ALL
#endif
