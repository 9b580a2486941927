#ifndef CNSS_SHIM_H
#define CNSS_SHIM_H
#include <nss.h>

/* Debian's libsrtp2 does its cryptography through NSS, and when nothing has initialised NSS it calls
   NSS_NoDB_Init, which asks the softoken to optimise for space: 32-bucket hash tables for its PKCS#11
   sessions and their objects. Every live SRTP session keeps entries there, and every packet looks
   handles up in them, so the cost of a packet grows with the number of live sessions (measured: protect + unprotect 2.2 us with
   a few sessions, 15 us with 2,000, i.e. 1,000 calls). Initialised first without
   NSS_INIT_OPTIMIZESPACE, the softoken uses its 1,024-bucket tables instead.
   Returns 1 when this call initialised NSS, 0 when it already was, -1 when initialisation failed. */
static inline int cnss_init_for_many_sessions(void) {
    if (NSS_IsInitialized()) return 0;
    SECStatus rv = NSS_Initialize("", "", "", "",
        NSS_INIT_READONLY | NSS_INIT_NOCERTDB | NSS_INIT_NOMODDB | NSS_INIT_FORCEOPEN | NSS_INIT_NOROOTINIT);
    return rv == SECSuccess ? 1 : -1;
}
#endif
