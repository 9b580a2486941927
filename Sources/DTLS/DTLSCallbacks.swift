import COpenSSL
import SRTP

/// Per-endpoint state OpenSSL's C callbacks need, reached through the SSL object's app-data slot.
/// Owned by the endpoint, which outlives its SSL object's callbacks.
final class DTLSCallbackContext {
    let remoteFingerprint: [UInt8]
    let initialTimeoutMicroseconds: UInt32
    let profiles: [SRTPProfile]
    /// Why the verify callback rejected the peer, for a precise failure reason.
    var rejection: DTLSError?

    /// RFC 6347 §4.2.4.1: back off by doubling, capped at 60 s.
    static let maximumTimeoutMicroseconds: UInt32 = 60_000_000

    init(remoteFingerprint: [UInt8], initialTimeoutMicroseconds: UInt32, profiles: [SRTPProfile]) {
        self.remoteFingerprint = remoteFingerprint
        self.initialTimeoutMicroseconds = initialTimeoutMicroseconds
        self.profiles = profiles
    }

    /// The next retransmission timeout: `previous` is 0 when a new flight starts its timer.
    func nextTimeout(after previous: UInt32) -> UInt32 {
        if previous == 0 { return initialTimeoutMicroseconds }
        let doubled = previous > Self.maximumTimeoutMicroseconds / 2 ? Self.maximumTimeoutMicroseconds : previous * 2
        return min(doubled, Self.maximumTimeoutMicroseconds)
    }

    /// Checks a leaf certificate against the SDP fingerprint; records the mismatch when it differs.
    func acceptLeaf(_ x509: OpaquePointer) -> Bool {
        guard let der = try? DTLSCertificate.encode(x509) else {
            rejection = .noPeerCertificate
            return false
        }
        let actual = DTLSFingerprint.sha256(ofDER: der)
        guard DTLSFingerprint.matches(actual, remoteFingerprint) else {
            rejection = .fingerprintMismatch(actual: actual, expected: remoteFingerprint)
            return false
        }
        return true
    }

    /// OpenSSL's server picks the first profile of *its own* list that the client offered. To follow the
    /// client's preference instead, the server's list is reordered to the client's order before the
    /// ClientHello's extensions are parsed.
    func reorderProfiles(on ssl: OpaquePointer) {
        var data: UnsafePointer<UInt8>?
        var length = 0
        guard SSL_client_hello_get0_ext(ssl, UInt32(TLSEXT_TYPE_use_srtp), &data, &length) == 1, let data else { return }
        let offered = DTLSUseSRTPExtension.profileIDs(Array(UnsafeBufferPointer(start: data, count: length)))
        let ordered = DTLSUseSRTPExtension.order(profiles, byClientIDs: offered)
        guard !ordered.isEmpty else { return }
        _ = SSL_set_tlsext_use_srtp(ssl, ordered.map(\.openSSLName).joined(separator: ":"))
    }

    static func install(_ context: DTLSCallbackContext, on ssl: OpaquePointer) {
        SSL_set_ex_data(ssl, 0, Unmanaged.passUnretained(context).toOpaque())
        SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verifyCallback)
        DTLS_set_timer_cb(ssl, timerCallback)
    }

    fileprivate static func from(ssl: OpaquePointer?) -> DTLSCallbackContext? {
        guard let ssl, let raw = SSL_get_ex_data(ssl, 0) else { return nil }
        return Unmanaged<DTLSCallbackContext>.fromOpaque(raw).takeUnretainedValue()
    }
}

/// Accepts self-signed certificates (chain errors are expected: the peer's certificate is pinned by its
/// SDP fingerprint instead) and rejects a leaf whose SHA-256 differs from that fingerprint.
private let verifyCallback: @convention(c) (Int32, OpaquePointer?) -> Int32 = { _, store in
    guard let store,
          let sslRaw = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
          let context = DTLSCallbackContext.from(ssl: OpaquePointer(sslRaw)) else { return 0 }
    guard X509_STORE_CTX_get_error_depth(store) == 0 else { return 1 }
    guard let leaf = X509_STORE_CTX_get_current_cert(store) else { return 0 }
    guard context.acceptLeaf(leaf) else {
        // Makes OpenSSL send bad_certificate rather than the chain error's alert (unknown_ca).
        X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED)
        return 0
    }
    return 1
}

/// Runs before the ClientHello's extensions are parsed (server side only).
let clientHelloCallback: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?, UnsafeMutableRawPointer?)
    -> Int32 = { ssl, _, _ in
    if let ssl, let context = DTLSCallbackContext.from(ssl: ssl) { context.reorderProfiles(on: ssl) }
    return SSL_CLIENT_HELLO_SUCCESS
}

/// Sets OpenSSL's retransmission timeout: the configured initial value, then doubling.
private let timerCallback: @convention(c) (OpaquePointer?, UInt32) -> UInt32 = { ssl, previous in
    guard let context = DTLSCallbackContext.from(ssl: ssl) else { return 1_000_000 }
    return context.nextTimeout(after: previous)
}
