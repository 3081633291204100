/* polusgen fake <openssl/x509.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_OPENSSL_X509_H
#define _POLUS_OPENSSL_X509_H
#include <openssl/evp.h>
#define X509_V_OK X509_V_OK
#define X509_FILETYPE_PEM X509_FILETYPE_PEM
X509 *X509_new(void);
void X509_free(X509 *);
X509_NAME *X509_get_subject_name(const X509 *);
X509_NAME *X509_get_issuer_name(const X509 *);
char *X509_NAME_oneline(const X509_NAME *, char *, int);
int X509_NAME_get_text_by_NID(X509_NAME *, int, char *, int);
int X509_digest(const X509 *, const EVP_MD *, unsigned char *, unsigned int *);
X509 *X509_STORE_CTX_get_current_cert(X509_STORE_CTX *);
int X509_STORE_CTX_get_error(X509_STORE_CTX *);
int X509_STORE_CTX_get_error_depth(X509_STORE_CTX *);
const char *X509_verify_cert_error_string(long);
int X509_cmp(const X509 *, const X509 *);
int i2d_X509(X509 *, unsigned char **);
X509 *d2i_X509(X509 **, const unsigned char **, long);
#endif
