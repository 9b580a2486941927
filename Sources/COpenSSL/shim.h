#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>

/* Macros and constants Swift cannot call or see: one-line static inline shims. */
static inline long copenssl_dtls_get_timeout(SSL *s, struct timeval *tv) { return DTLSv1_get_timeout(s, tv); }
static inline long copenssl_dtls_handle_timeout(SSL *s) { return DTLSv1_handle_timeout(s); }
static inline long copenssl_dtls_set_link_mtu(SSL *s, long mtu) { return DTLS_set_link_mtu(s, mtu); }
static inline long copenssl_bio_set_mem_eof_return(BIO *b, long v) { return BIO_set_mem_eof_return(b, v); }
static inline uint64_t copenssl_op_no_query_mtu(void) { return SSL_OP_NO_QUERY_MTU; }
static inline long copenssl_ssl_set_options(SSL *s, uint64_t op) { return (long)SSL_set_options(s, op); }
static inline uint64_t copenssl_op_no_renegotiation(void) { return SSL_OP_NO_RENEGOTIATION; }
#endif
