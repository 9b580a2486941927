#ifndef CSRTP_SHIM_H
#define CSRTP_SHIM_H
#include <srtp2/srtp.h>

/* Macros Swift cannot see. */
static inline int csrtp_max_trailer_len(void) { return SRTP_MAX_TRAILER_LEN; }
static inline void csrtp_policy_aes_cm_128_hmac_sha1_80(srtp_crypto_policy_t *p) { srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(p); }
#endif
