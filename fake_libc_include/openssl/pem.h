/* polusgen fake <openssl/pem.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_OPENSSL_PEM_H
#define _POLUS_OPENSSL_PEM_H
#include <openssl/x509.h>
typedef int pem_password_cb(char *, int, int, void *);
X509 *PEM_read_bio_X509(BIO *, X509 **, pem_password_cb *, void *);
EVP_PKEY *PEM_read_bio_PrivateKey(BIO *, EVP_PKEY **, pem_password_cb *, void *);
DH *PEM_read_bio_DHparams(BIO *, DH **, pem_password_cb *, void *);
#endif
