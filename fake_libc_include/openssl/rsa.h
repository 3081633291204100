/* polusgen fake <openssl/rsa.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_OPENSSL_RSA_H
#define _POLUS_OPENSSL_RSA_H
#include <openssl/ossl_typ.h>
#define RSA_F4 RSA_F4
RSA *RSA_new(void);
void RSA_free(RSA *);
RSA *RSA_generate_key(int, unsigned long, void (*)(int, int, void *), void *);
#endif
