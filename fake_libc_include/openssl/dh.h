/* polusgen fake <openssl/dh.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_OPENSSL_DH_H
#define _POLUS_OPENSSL_DH_H
#include <openssl/ossl_typ.h>
DH *DH_new(void);
void DH_free(DH *);
#endif
