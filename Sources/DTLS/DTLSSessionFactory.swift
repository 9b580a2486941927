import COpenSSL
import SRTP

/// Builds the OpenSSL objects for one endpoint: an SSL object between two memory BIOs with the link MTU
/// set, from the certificate's shared DTLS 1.2-only context (`DTLSCertificate.context(for:)`).
enum DTLSSessionFactory {
    struct Session {
        let ssl: OpaquePointer
        let readBIO: OpaquePointer
        let writeBIO: OpaquePointer
    }

    static func make(role: DTLSRole, certificate: DTLSCertificate, profiles: [SRTPProfile],
                     mtu: Int) throws(DTLSError) -> Session {
        let ctx = try certificate.context(for: profiles)
        OpenSSLErrorQueue.clear()
        // The SSL object takes its own reference to the context.
        guard let ssl = SSL_new(ctx) else { throw OpenSSLErrorQueue.error("SSL_new") }
        guard let readBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw OpenSSLErrorQueue.error("BIO_new(read)")
        }
        guard let writeBIO = BIO_new(BIO_s_mem()) else {
            BIO_free(readBIO)
            SSL_free(ssl)
            throw OpenSSLErrorQueue.error("BIO_new(write)")
        }
        // An empty memory BIO means "no datagram yet", not end of file.
        _ = copenssl_bio_set_mem_eof_return(readBIO, -1)
        _ = copenssl_bio_set_mem_eof_return(writeBIO, -1)
        SSL_set_bio(ssl, readBIO, writeBIO)

        // Our MTU, not the BIO's; and no renegotiation, which would change the SRTP keys behind our back.
        _ = copenssl_ssl_set_options(ssl, copenssl_op_no_query_mtu() | copenssl_op_no_renegotiation())
        guard copenssl_dtls_set_link_mtu(ssl, mtu) == 1 else {
            SSL_free(ssl)
            throw OpenSSLErrorQueue.error("DTLS_set_link_mtu(\(mtu))")
        }
        switch role {
        case .client: SSL_set_connect_state(ssl)
        case .server: SSL_set_accept_state(ssl)
        }
        return Session(ssl: ssl, readBIO: readBIO, writeBIO: writeBIO)
    }

    /// A DTLS 1.2-only context with the certificate and the use_srtp profiles. Contexts are shared by every
    /// endpoint of a certificate and never changed after this: per-association settings go on the SSL object.
    static func makeContext(certificate: DTLSCertificate, profiles: [SRTPProfile]) throws(DTLSError) -> OpaquePointer {
        OpenSSLErrorQueue.clear()
        guard let ctx = SSL_CTX_new(DTLS_method()) else { throw OpenSSLErrorQueue.error("SSL_CTX_new") }
        do {
            try configure(ctx, certificate: certificate, profiles: profiles)
        } catch {
            SSL_CTX_free(ctx)
            throw error
        }
        return ctx
    }

    private static func configure(_ ctx: OpaquePointer, certificate: DTLSCertificate,
                                  profiles: [SRTPProfile]) throws(DTLSError) {
        let version = Int(DTLS1_2_VERSION)
        guard SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, version, nil) == 1,
              SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, version, nil) == 1 else {
            throw OpenSSLErrorQueue.error("SSL_CTX_set_min/max_proto_version(DTLS 1.2)")
        }
        guard SSL_CTX_use_certificate(ctx, certificate.x509) == 1 else {
            throw OpenSSLErrorQueue.error("SSL_CTX_use_certificate")
        }
        guard SSL_CTX_use_PrivateKey(ctx, certificate.key) == 1 else {
            throw OpenSSLErrorQueue.error("SSL_CTX_use_PrivateKey")
        }
        guard SSL_CTX_check_private_key(ctx) == 1 else {
            throw OpenSSLErrorQueue.error("SSL_CTX_check_private_key")
        }
        let names = profiles.map(\.openSSLName).joined(separator: ":")
        // Unlike most OpenSSL calls, this one returns 0 on success.
        guard SSL_CTX_set_tlsext_use_srtp(ctx, names) == 0 else {
            throw OpenSSLErrorQueue.error("SSL_CTX_set_tlsext_use_srtp(\(names))")
        }
        SSL_CTX_set_client_hello_cb(ctx, clientHelloCallback, nil)
    }
}
