/* polusgen fake <netinet/in.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NETINET_IN_H
#define _POLUS_NETINET_IN_H
#include <_polus_types.h>
#include <stdint.h>
#include <sys/socket.h>
typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;
struct in_addr { in_addr_t s_addr; };
struct in6_addr { union { uint8_t __u6_addr8[16]; uint16_t __u6_addr16[8]; uint32_t __u6_addr32[4]; } __in6_u; };
struct sockaddr_in { sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr; unsigned char sin_zero[8]; };
struct sockaddr_in6 { sa_family_t sin6_family; in_port_t sin6_port; uint32_t sin6_flowinfo; struct in6_addr sin6_addr; uint32_t sin6_scope_id; };
struct ip_mreq { struct in_addr imr_multiaddr; struct in_addr imr_interface; };
struct ipv6_mreq { struct in6_addr ipv6mr_multiaddr; unsigned int ipv6mr_interface; };
extern const struct in6_addr in6addr_any;
extern const struct in6_addr in6addr_loopback;
/* htons, htonl, ntohs, ntohl, IN6_IS_ADDR_* parse as calls */
#define INADDR_ANY INADDR_ANY
#define INADDR_LOOPBACK INADDR_LOOPBACK
#define INADDR_NONE INADDR_NONE
#define INADDR_BROADCAST INADDR_BROADCAST
#define IN6ADDR_ANY_INIT IN6ADDR_ANY_INIT
#define IN6ADDR_LOOPBACK_INIT IN6ADDR_LOOPBACK_INIT
#define INET_ADDRSTRLEN INET_ADDRSTRLEN
#define INET6_ADDRSTRLEN INET6_ADDRSTRLEN
#define IPPROTO_IP IPPROTO_IP
#define IPPROTO_ICMP IPPROTO_ICMP
#define IPPROTO_TCP IPPROTO_TCP
#define IPPROTO_UDP IPPROTO_UDP
#define IPPROTO_IPV6 IPPROTO_IPV6
#define IPPROTO_RAW IPPROTO_RAW
#define IP_TOS IP_TOS
#define IP_TTL IP_TTL
#define IP_OPTIONS IP_OPTIONS
#define IP_MULTICAST_IF IP_MULTICAST_IF
#define IP_MULTICAST_TTL IP_MULTICAST_TTL
#define IP_ADD_MEMBERSHIP IP_ADD_MEMBERSHIP
#define IPV6_V6ONLY IPV6_V6ONLY
#define IPPORT_RESERVED IPPORT_RESERVED
uint16_t htons(uint16_t);
uint16_t ntohs(uint16_t);
uint32_t htonl(uint32_t);
uint32_t ntohl(uint32_t);
#endif
