/* polusgen fake <endian.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_ENDIAN_H
#define _POLUS_ENDIAN_H
#include <stdint.h>
/* Compared in #if by programs: real values (x86_64 is little-endian). */
#define __LITTLE_ENDIAN 1234
#define __BIG_ENDIAN 4321
#define __BYTE_ORDER __LITTLE_ENDIAN
#define LITTLE_ENDIAN __LITTLE_ENDIAN
#define BIG_ENDIAN __BIG_ENDIAN
#define BYTE_ORDER __BYTE_ORDER
/* htobe16, be32toh, le64toh ... parse as calls */
#endif
