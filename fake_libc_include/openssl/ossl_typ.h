/* polusgen fake <openssl/ossl_typ.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_OPENSSL_OSSL_TYP_H
#define _POLUS_OPENSSL_OSSL_TYP_H
#include <openssl/opensslv.h>
#include <_polus_types.h>
/* STACK_OF(T) names a type: spelled the way the real header expands it */
#define STACK_OF(T) struct stack_st_##T
typedef struct bio_st BIO;
typedef struct bio_method_st BIO_METHOD;
typedef struct bignum_st BIGNUM;
typedef struct bignum_ctx BN_CTX;
typedef struct buf_mem_st BUF_MEM;
typedef struct evp_cipher_st EVP_CIPHER;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct evp_md_st EVP_MD;
typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;
typedef struct dh_st DH;
typedef struct dsa_st DSA;
typedef struct rsa_st RSA;
typedef struct ec_key_st EC_KEY;
typedef struct engine_st ENGINE;
typedef struct x509_st X509;
typedef struct X509_name_st X509_NAME;
typedef struct X509_name_entry_st X509_NAME_ENTRY;
typedef struct x509_store_st X509_STORE;
typedef struct x509_store_ctx_st X509_STORE_CTX;
typedef struct X509_crl_st X509_CRL;
typedef struct asn1_string_st ASN1_STRING;
typedef struct asn1_string_st ASN1_INTEGER;
typedef struct asn1_string_st ASN1_TIME;
typedef struct asn1_object_st ASN1_OBJECT;
typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_method_st SSL_METHOD;
typedef struct ssl_session_st SSL_SESSION;
typedef struct ssl_cipher_st SSL_CIPHER;
typedef struct ossl_lib_ctx_st OSSL_LIB_CTX;
typedef struct crypto_ex_data_st CRYPTO_EX_DATA;
#endif
