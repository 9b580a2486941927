/// The master keys and salts of both directions, split from the DTLS-SRTP exporter output
/// (RFC 5764 4.2: client key | server key | client salt | server salt).
public struct SRTPKeyingMaterial: Equatable, Sendable, CustomStringConvertible {
    public var profile: SRTPProfile
    /// What we protect with.
    public var localKey: [UInt8]
    public var localSalt: [UInt8]
    /// What we unprotect with.
    public var remoteKey: [UInt8]
    public var remoteSalt: [UInt8]

    public init(profile: SRTPProfile, localKey: [UInt8], localSalt: [UInt8], remoteKey: [UInt8], remoteSalt: [UInt8]) {
        self.profile = profile
        self.localKey = localKey
        self.localSalt = localSalt
        self.remoteKey = remoteKey
        self.remoteSalt = remoteSalt
    }

    /// Names the profile only: keys never go into logs.
    public var description: String { "SRTPKeyingMaterial(\(profile.rawValue), keys redacted)" }

    /// `exported` is the `EXTRACTOR-dtls_srtp` output of `profile.keyingMaterialLength` bytes;
    /// `isClient` is true when we were the DTLS client (`setup:active`).
    public init(exported: [UInt8], profile: SRTPProfile, isClient: Bool) throws {
        guard exported.count == profile.keyingMaterialLength else {
            throw SRTPError.badKeyMaterial(field: "keying material", profile: profile,
                                           expected: profile.keyingMaterialLength, actual: exported.count)
        }
        let k = profile.keyLength, s = profile.saltLength
        let clientKey = Array(exported[0..<k])
        let serverKey = Array(exported[k..<(2 * k)])
        let clientSalt = Array(exported[(2 * k)..<(2 * k + s)])
        let serverSalt = Array(exported[(2 * k + s)..<(2 * k + 2 * s)])
        self.profile = profile
        localKey = isClient ? clientKey : serverKey
        localSalt = isClient ? clientSalt : serverSalt
        remoteKey = isClient ? serverKey : clientKey
        remoteSalt = isClient ? serverSalt : clientSalt
    }

    /// The session that protects what we send.
    public func makeOutboundSession() throws -> SRTPSession {
        try SRTPSession(profile: profile, key: localKey, salt: localSalt, direction: .outbound)
    }

    /// The session that unprotects what we receive.
    public func makeInboundSession() throws -> SRTPSession {
        try SRTPSession(profile: profile, key: remoteKey, salt: remoteSalt, direction: .inbound)
    }
}
