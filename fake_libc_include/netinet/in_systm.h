/* polusgen fake <netinet/in_systm.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NETINET_IN_SYSTM_H
#define _POLUS_NETINET_IN_SYSTM_H
#include <stdint.h>
typedef uint16_t n_short;
typedef uint32_t n_long;
typedef uint32_t n_time;
#endif
