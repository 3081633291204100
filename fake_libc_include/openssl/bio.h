/* polusgen fake <openssl/bio.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_OPENSSL_BIO_H
#define _POLUS_OPENSSL_BIO_H
#include <openssl/crypto.h>
#define BIO_NOCLOSE BIO_NOCLOSE
#define BIO_CLOSE BIO_CLOSE
#define BIO_CTRL_FLUSH BIO_CTRL_FLUSH
BIO *BIO_new(const BIO_METHOD *);
BIO *BIO_new_fp(void *, int);
BIO *BIO_new_fd(int, int);
BIO *BIO_new_socket(int, int);
BIO *BIO_new_file(const char *, const char *);
BIO *BIO_new_mem_buf(const void *, int);
const BIO_METHOD *BIO_s_mem(void);
const BIO_METHOD *BIO_s_socket(void);
int BIO_free(BIO *);
void BIO_free_all(BIO *);
int BIO_read(BIO *, void *, int);
int BIO_write(BIO *, const void *, int);
int BIO_puts(BIO *, const char *);
int BIO_gets(BIO *, char *, int);
long BIO_ctrl(BIO *, int, long, void *);
int BIO_printf(BIO *, const char *, ...);
void BIO_set_callback(BIO *, long (*)(BIO *, int, const char *, int, long, long));
#endif
