/* polusgen fake <openssl/evp.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_OPENSSL_EVP_H
#define _POLUS_OPENSSL_EVP_H
#include <openssl/ossl_typ.h>
#define EVP_MAX_MD_SIZE EVP_MAX_MD_SIZE
const EVP_MD *EVP_md5(void);
const EVP_MD *EVP_sha1(void);
const EVP_MD *EVP_sha256(void);
EVP_MD_CTX *EVP_MD_CTX_new(void);
void EVP_MD_CTX_free(EVP_MD_CTX *);
int EVP_DigestInit_ex(EVP_MD_CTX *, const EVP_MD *, ENGINE *);
int EVP_DigestUpdate(EVP_MD_CTX *, const void *, size_t);
int EVP_DigestFinal_ex(EVP_MD_CTX *, unsigned char *, unsigned int *);
EVP_PKEY *EVP_PKEY_new(void);
void EVP_PKEY_free(EVP_PKEY *);
void OpenSSL_add_all_algorithms(void);
#endif
