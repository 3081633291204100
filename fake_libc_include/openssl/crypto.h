/* polusgen fake <openssl/crypto.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_OPENSSL_CRYPTO_H
#define _POLUS_OPENSSL_CRYPTO_H
#include <openssl/ossl_typ.h>
#include <_polus_types.h>
void *CRYPTO_malloc(size_t, const char *, int);
void CRYPTO_free(void *, const char *, int);
const char *OpenSSL_version(int);
const char *SSLeay_version(int);
unsigned long OpenSSL_version_num(void);
/* OPENSSL_malloc, OPENSSL_free parse as calls */
#endif
