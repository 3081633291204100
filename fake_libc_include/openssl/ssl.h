/* polusgen fake <openssl/ssl.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_OPENSSL_SSL_H
#define _POLUS_OPENSSL_SSL_H
#include <openssl/crypto.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/pem.h>
typedef int (*SSL_verify_cb)(int, X509_STORE_CTX *);
#define SSL_FILETYPE_PEM SSL_FILETYPE_PEM
#define SSL_FILETYPE_ASN1 SSL_FILETYPE_ASN1
#define SSL_OP_ALL SSL_OP_ALL
#define SSL_OP_NO_SSLv2 SSL_OP_NO_SSLv2
#define SSL_OP_NO_SSLv3 SSL_OP_NO_SSLv3
#define SSL_OP_NO_TLSv1 SSL_OP_NO_TLSv1
#define SSL_OP_NO_TLSv1_1 SSL_OP_NO_TLSv1_1
#define SSL_OP_NO_TLSv1_2 SSL_OP_NO_TLSv1_2
#define SSL_OP_NO_COMPRESSION SSL_OP_NO_COMPRESSION
#define SSL_OP_SINGLE_DH_USE SSL_OP_SINGLE_DH_USE
#define SSL_OP_CIPHER_SERVER_PREFERENCE SSL_OP_CIPHER_SERVER_PREFERENCE
#define SSL_MODE_ENABLE_PARTIAL_WRITE SSL_MODE_ENABLE_PARTIAL_WRITE
#define SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
#define SSL_VERIFY_NONE SSL_VERIFY_NONE
#define SSL_VERIFY_PEER SSL_VERIFY_PEER
#define SSL_VERIFY_FAIL_IF_NO_PEER_CERT SSL_VERIFY_FAIL_IF_NO_PEER_CERT
#define SSL_VERIFY_CLIENT_ONCE SSL_VERIFY_CLIENT_ONCE
#define SSL_SESS_CACHE_OFF SSL_SESS_CACHE_OFF
#define SSL_SESS_CACHE_SERVER SSL_SESS_CACHE_SERVER
#define SSL_ERROR_NONE SSL_ERROR_NONE
#define SSL_ERROR_SSL SSL_ERROR_SSL
#define SSL_ERROR_WANT_READ SSL_ERROR_WANT_READ
#define SSL_ERROR_WANT_WRITE SSL_ERROR_WANT_WRITE
#define SSL_ERROR_WANT_X509_LOOKUP SSL_ERROR_WANT_X509_LOOKUP
#define SSL_ERROR_SYSCALL SSL_ERROR_SYSCALL
#define SSL_ERROR_ZERO_RETURN SSL_ERROR_ZERO_RETURN
#define SSL_ERROR_WANT_CONNECT SSL_ERROR_WANT_CONNECT
#define SSL_ERROR_WANT_ACCEPT SSL_ERROR_WANT_ACCEPT
#define SSL_SENT_SHUTDOWN SSL_SENT_SHUTDOWN
#define SSL_RECEIVED_SHUTDOWN SSL_RECEIVED_SHUTDOWN
#define SSL_CB_HANDSHAKE_START SSL_CB_HANDSHAKE_START
#define SSL_CB_HANDSHAKE_DONE SSL_CB_HANDSHAKE_DONE
#define SSL_CTRL_MODE SSL_CTRL_MODE
#define TLS1_VERSION TLS1_VERSION
#define TLS1_2_VERSION TLS1_2_VERSION
/* SSL_CTX_set_options, SSL_CTX_set_mode, SSL_library_init, OpenSSL_add_ssl_algorithms,
 * SSL_CTX_set_tmp_dh ... are macros in some OpenSSL versions: they parse as calls */
int SSL_library_init(void);
void SSL_load_error_strings(void);
const SSL_METHOD *SSLv23_server_method(void);
const SSL_METHOD *SSLv23_client_method(void);
const SSL_METHOD *SSLv23_method(void);
const SSL_METHOD *TLS_server_method(void);
const SSL_METHOD *TLS_client_method(void);
const SSL_METHOD *TLS_method(void);
const SSL_METHOD *TLSv1_server_method(void);
SSL_CTX *SSL_CTX_new(const SSL_METHOD *);
void SSL_CTX_free(SSL_CTX *);
long SSL_CTX_ctrl(SSL_CTX *, int, long, void *);
int SSL_CTX_use_certificate_file(SSL_CTX *, const char *, int);
int SSL_CTX_use_certificate_chain_file(SSL_CTX *, const char *);
int SSL_CTX_use_PrivateKey_file(SSL_CTX *, const char *, int);
int SSL_CTX_use_RSAPrivateKey_file(SSL_CTX *, const char *, int);
int SSL_CTX_check_private_key(const SSL_CTX *);
int SSL_CTX_set_cipher_list(SSL_CTX *, const char *);
int SSL_CTX_load_verify_locations(SSL_CTX *, const char *, const char *);
int SSL_CTX_set_default_verify_paths(SSL_CTX *);
void SSL_CTX_set_verify(SSL_CTX *, int, SSL_verify_cb);
void SSL_CTX_set_verify_depth(SSL_CTX *, int);
void SSL_CTX_set_tmp_rsa_callback(SSL_CTX *, RSA *(*)(SSL *, int, int));
void SSL_CTX_set_tmp_dh_callback(SSL_CTX *, DH *(*)(SSL *, int, int));
void SSL_CTX_set_info_callback(SSL_CTX *, void (*)(const SSL *, int, int));
int SSL_CTX_set_session_id_context(SSL_CTX *, const unsigned char *, unsigned int);
long SSL_CTX_set_timeout(SSL_CTX *, long);
void SSL_CTX_set_client_CA_list(SSL_CTX *, STACK_OF(X509_NAME) *);
STACK_OF(X509_NAME) *SSL_load_client_CA_file(const char *);
SSL *SSL_new(SSL_CTX *);
void SSL_free(SSL *);
int SSL_set_fd(SSL *, int);
int SSL_set_rfd(SSL *, int);
int SSL_set_wfd(SSL *, int);
void SSL_set_bio(SSL *, BIO *, BIO *);
BIO *SSL_get_rbio(const SSL *);
BIO *SSL_get_wbio(const SSL *);
int SSL_accept(SSL *);
int SSL_connect(SSL *);
int SSL_do_handshake(SSL *);
int SSL_read(SSL *, void *, int);
int SSL_peek(SSL *, void *, int);
int SSL_write(SSL *, const void *, int);
int SSL_pending(const SSL *);
int SSL_shutdown(SSL *);
int SSL_get_shutdown(const SSL *);
void SSL_set_shutdown(SSL *, int);
int SSL_get_error(const SSL *, int);
long SSL_ctrl(SSL *, int, long, void *);
X509 *SSL_get_peer_certificate(const SSL *);
X509 *SSL_get1_peer_certificate(const SSL *);
long SSL_get_verify_result(const SSL *);
const SSL_CIPHER *SSL_get_current_cipher(const SSL *);
const char *SSL_CIPHER_get_name(const SSL_CIPHER *);
int SSL_CIPHER_get_bits(const SSL_CIPHER *, int *);
const char *SSL_get_version(const SSL *);
const char *SSL_get_cipher_list(const SSL *, int);
SSL_SESSION *SSL_get_session(const SSL *);
SSL_SESSION *SSL_get1_session(SSL *);
int SSL_set_session(SSL *, SSL_SESSION *);
void SSL_SESSION_free(SSL_SESSION *);
int SSL_session_reused(SSL *);
void *SSL_get_ex_data(const SSL *, int);
int SSL_set_ex_data(SSL *, int, void *);
SSL_CTX *SSL_get_SSL_CTX(const SSL *);
void SSL_set_verify(SSL *, int, SSL_verify_cb);
#endif
