/* polusgen fake <openssl/opensslv.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_OPENSSL_OPENSSLV_H
#define _POLUS_OPENSSL_OPENSSLV_H
/* Compared in #if by programs: a real value (OpenSSL 3.0). */
#define OPENSSL_VERSION_NUMBER 0x30000000L
#define OPENSSL_VERSION_TEXT OPENSSL_VERSION_TEXT
#endif
