/* polusgen fake <openssl/err.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_OPENSSL_ERR_H
#define _POLUS_OPENSSL_ERR_H
#include <openssl/bio.h>
unsigned long ERR_get_error(void);
unsigned long ERR_peek_error(void);
unsigned long ERR_peek_last_error(void);
void ERR_clear_error(void);
char *ERR_error_string(unsigned long, char *);
void ERR_error_string_n(unsigned long, char *, size_t);
const char *ERR_reason_error_string(unsigned long);
void ERR_print_errors(BIO *);
void ERR_print_errors_fp(void *);
void ERR_load_crypto_strings(void);
void ERR_free_strings(void);
#endif
