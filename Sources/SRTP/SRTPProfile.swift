/// DTLS-SRTP protection profiles (RFC 5764, RFC 7714) we offer and accept.
public enum SRTPProfile: String, Sendable, CaseIterable, Equatable {
    /// WebRTC's mandatory profile: AES-128 counter mode, HMAC-SHA1 80-bit tag.
    case aes128CmSha1_80 = "SRTP_AES128_CM_SHA1_80"
    /// AEAD AES-128-GCM.
    case aeadAes128Gcm = "SRTP_AEAD_AES_128_GCM"

    /// The OpenSSL / IANA profile name, as used by `SSL_CTX_set_tlsext_use_srtp`.
    public var openSSLName: String { rawValue }

    public var keyLength: Int { 16 }

    public var saltLength: Int {
        switch self {
        case .aes128CmSha1_80: return 14
        case .aeadAes128Gcm: return 12
        }
    }

    /// Bytes exported with label "EXTRACTOR-dtls_srtp": client key | server key | client salt | server salt.
    public var keyingMaterialLength: Int { 2 * (keyLength + saltLength) }

    public init?(openSSLName: String) {
        self.init(rawValue: openSSLName)
    }
}
