/* polusgen fake <linux/if_addr.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_LINUX_IF_ADDR_H
#define _POLUS_LINUX_IF_ADDR_H
#include <linux/types.h>
struct ifaddrmsg { __u8 ifa_family; __u8 ifa_prefixlen; __u8 ifa_flags; __u8 ifa_scope; __u32 ifa_index; };
struct ifa_cacheinfo { __u32 ifa_prefered; __u32 ifa_valid; __u32 cstamp; __u32 tstamp; };
#define IFA_ADDRESS IFA_ADDRESS
#define IFA_LOCAL IFA_LOCAL
#define IFA_LABEL IFA_LABEL
#define IFA_BROADCAST IFA_BROADCAST
#define IFA_CACHEINFO IFA_CACHEINFO
#define IFA_FLAGS IFA_FLAGS
#define IFA_F_TEMPORARY IFA_F_TEMPORARY
#define IFA_F_DEPRECATED IFA_F_DEPRECATED
#define IFA_F_TENTATIVE IFA_F_TENTATIVE
#define IFA_F_PERMANENT IFA_F_PERMANENT
#define IFA_F_DADFAILED IFA_F_DADFAILED
#define IFA_F_SECONDARY IFA_F_SECONDARY
#endif
