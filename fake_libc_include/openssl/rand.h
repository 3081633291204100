/* polusgen fake <openssl/rand.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_OPENSSL_RAND_H
#define _POLUS_OPENSSL_RAND_H
#include <openssl/ossl_typ.h>
int RAND_bytes(unsigned char *, int);
int RAND_pseudo_bytes(unsigned char *, int);
void RAND_seed(const void *, int);
void RAND_add(const void *, int, double);
int RAND_status(void);
int RAND_load_file(const char *, long);
int RAND_poll(void);
#endif
