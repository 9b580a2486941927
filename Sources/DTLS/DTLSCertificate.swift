import COpenSSL
import Hashing
import SRTP
import Wire

/// An ECDSA P-256 key and a self-signed X.509 certificate, generated once at start-up and shared by
/// every call. Immutable; OpenSSL objects are freed when the last reference goes.
public final class DTLSCertificate: @unchecked Sendable {
    // The key and certificate are never mutated after init; OpenSSL's reference counts are
    // thread-safe, so sharing them between SSL_CTX objects on different threads is sound.
    let key: OpaquePointer
    let x509: OpaquePointer
    /// SSL_CTX objects built from this certificate, one per list of SRTP profiles, shared by every endpoint.
    private let contexts = Locked<[[SRTPProfile]: SharedContext]>([:])

    /// An SSL_CTX that is never changed after it is built, so any thread may make SSL objects from it.
    private struct SharedContext: @unchecked Sendable {
        let ctx: OpaquePointer
    }

    /// The certificate's DER encoding.
    public let der: [UInt8]
    /// SHA-256 of the DER encoding (the SDP `a=fingerprint:sha-256` value).
    public let fingerprint: [UInt8]
    /// `fingerprint` as uppercase hex pairs joined by ':'.
    public var fingerprintString: String { DTLSFingerprint.format(fingerprint) }

    /// Generates a fresh key and certificate: subject and issuer CN=`commonName`, a random positive
    /// 64-bit serial, valid from one day ago for `validityDays` days, signed with ECDSA-SHA256.
    public init(commonName: String = "ivrd", validityDays: Int = 30) throws(DTLSError) {
        OpenSSLErrorQueue.clear()
        let key = try Self.generateKey()
        guard let x509 = X509_new() else {
            EVP_PKEY_free(key)
            throw OpenSSLErrorQueue.error("X509_new")
        }
        do {
            try Self.fill(x509, key: key, commonName: commonName, validityDays: validityDays)
            self.der = try Self.encode(x509)
        } catch {
            X509_free(x509)
            EVP_PKEY_free(key)
            throw error
        }
        self.key = key
        self.x509 = x509
        self.fingerprint = DTLSFingerprint.sha256(ofDER: der)
    }

    deinit {
        // Endpoints still alive keep their own references to their context.
        contexts.withLock { for shared in $0.values { SSL_CTX_free(shared.ctx) } }
        X509_free(x509)
        EVP_PKEY_free(key)
    }

    /// The DTLS context for endpoints offering `profiles` in this order: built on first use, then shared.
    /// Sharing one context saves each association the context's own allocations and set-up (the key check,
    /// the cipher and group lists); OpenSSL allows SSL objects to be made from one context on any thread.
    func context(for profiles: [SRTPProfile]) throws(DTLSError) -> OpaquePointer {
        try contexts.withLock { (cache: inout [[SRTPProfile]: SharedContext]) throws(DTLSError) -> SharedContext in
            if let shared = cache[profiles] { return shared }
            let shared = SharedContext(ctx: try DTLSSessionFactory.makeContext(certificate: self, profiles: profiles))
            cache[profiles] = shared
            return shared
        }.ctx
    }

    private static func generateKey() throws(DTLSError) -> OpaquePointer {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw OpenSSLErrorQueue.error("EVP_PKEY_CTX_new_from_name(EC)")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw OpenSSLErrorQueue.error("EVP_PKEY_keygen_init") }
        guard EVP_PKEY_CTX_set_group_name(ctx, "P-256") == 1 else {
            throw OpenSSLErrorQueue.error("EVP_PKEY_CTX_set_group_name(P-256)")
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(ctx, &key) == 1, let key else {
            throw OpenSSLErrorQueue.error("EVP_PKEY_generate")
        }
        return key
    }

    private static func fill(_ x509: OpaquePointer, key: OpaquePointer, commonName: String,
                             validityDays: Int) throws(DTLSError) {
        guard X509_set_version(x509, 2) == 1 else { throw OpenSSLErrorQueue.error("X509_set_version") }
        var serial = SecureRandom.bytes(8)
        serial[0] &= 0x7F
        if serial[0] == 0 { serial[0] = 1 }
        guard let bn = BN_bin2bn(serial, Int32(serial.count), nil) else { throw OpenSSLErrorQueue.error("BN_bin2bn") }
        defer { BN_free(bn) }
        guard BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x509)) != nil else {
            throw OpenSSLErrorQueue.error("BN_to_ASN1_INTEGER")
        }
        guard X509_gmtime_adj(X509_getm_notBefore(x509), -86_400) != nil,
              X509_gmtime_adj(X509_getm_notAfter(x509), validityDays * 86_400) != nil else {
            throw OpenSSLErrorQueue.error("X509_gmtime_adj")
        }
        guard X509_set_pubkey(x509, key) == 1 else { throw OpenSSLErrorQueue.error("X509_set_pubkey") }
        guard let name = X509_get_subject_name(x509),
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0) == 1,
              X509_set_issuer_name(x509, name) == 1 else {
            throw OpenSSLErrorQueue.error("X509_NAME_add_entry_by_txt(CN)")
        }
        guard X509_sign(x509, key, EVP_sha256()) > 0 else { throw OpenSSLErrorQueue.error("X509_sign") }
    }

    static func encode(_ x509: OpaquePointer) throws(DTLSError) -> [UInt8] {
        let length = i2d_X509(x509, nil)
        guard length > 0 else { throw OpenSSLErrorQueue.error("i2d_X509") }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_X509(x509, &cursor)
        }
        guard written == length else { throw OpenSSLErrorQueue.error("i2d_X509") }
        return der
    }
}
