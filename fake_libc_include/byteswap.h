/* polusgen fake <byteswap.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_BYTESWAP_H
#define _POLUS_BYTESWAP_H
/* bswap_16, bswap_32, bswap_64 parse as calls */
#endif
