import SRTP

/// The use_srtp extension body (RFC 5764 §4.1.1): a 2-byte length, 2-byte profile IDs, then the MKI.
enum DTLSUseSRTPExtension {
    /// IANA DTLS-SRTP protection profile identifiers.
    static func id(of profile: SRTPProfile) -> UInt16 {
        switch profile {
        case .aes128CmSha1_80: return 0x0001
        case .aeadAes128Gcm: return 0x0007
        }
    }

    /// The profile IDs the client offered, in its order; empty when the body is malformed.
    static func profileIDs(_ body: [UInt8]) -> [UInt16] {
        guard body.count >= 2 else { return [] }
        let length = Int(body[0]) << 8 | Int(body[1])
        guard length % 2 == 0, body.count >= 2 + length else { return [] }
        return stride(from: 2, to: 2 + length, by: 2).map { UInt16(body[$0]) << 8 | UInt16(body[$0 + 1]) }
    }

    /// Our profiles the client offered, in the client's order.
    static func order(_ ours: [SRTPProfile], byClientIDs ids: [UInt16]) -> [SRTPProfile] {
        var result: [SRTPProfile] = []
        for id in ids {
            if let profile = ours.first(where: { self.id(of: $0) == id }), !result.contains(profile) {
                result.append(profile)
            }
        }
        return result
    }
}
