/// Which way packets flow through an `SRTPSession`.
public enum SRTPDirection: String, Sendable, Equatable {
    /// We protect what we send (libsrtp `ssrc_any_outbound`).
    case outbound
    /// We unprotect what we receive (libsrtp `ssrc_any_inbound`), with replay protection.
    case inbound
}

/// SRTP and SRTCP for one direction of a call, through libsrtp2 (RFC 3711, RFC 7714).
/// RTP and RTCP share the session (each has its own index). Not `Sendable`: keep it inside the
/// isolation domain that owns the call; the libsrtp session is freed when this object goes away.
public final class SRTPSession {
    public let profile: SRTPProfile
    public let direction: SRTPDirection
    private let context: LibSRTP

    /// Authentication tag length appended to SRTP packets.
    public var rtpTagLength: Int { profile == .aes128CmSha1_80 ? 10 : 16 }

    /// `key` and `salt` are the master key and master salt from DTLS-SRTP keying material
    /// (16 + 14 bytes for AES-CM-SHA1-80, 16 + 12 for AEAD-AES-128-GCM).
    public init(profile: SRTPProfile, key: [UInt8], salt: [UInt8], direction: SRTPDirection) throws {
        guard key.count == profile.keyLength else {
            throw SRTPError.badKeyMaterial(field: "master key", profile: profile, expected: profile.keyLength,
                                           actual: key.count)
        }
        guard salt.count == profile.saltLength else {
            throw SRTPError.badKeyMaterial(field: "master salt", profile: profile, expected: profile.saltLength,
                                           actual: salt.count)
        }
        self.profile = profile
        self.direction = direction
        context = try LibSRTP(profile: profile, keyAndSalt: key + salt, outbound: direction == .outbound)
    }

    /// Encrypts and authenticates an RTP packet (at least a 12-byte header).
    public func protectRTP(_ packet: [UInt8]) throws -> [UInt8] {
        try run(.protect, "protectRTP", packet, minimum: 12, requires: .outbound)
    }

    /// Verifies and decrypts an SRTP packet; throws `.authenticationFailed` or `.replayed` as appropriate.
    public func unprotectRTP(_ packet: [UInt8]) throws -> [UInt8] {
        try run(.unprotect, "unprotectRTP", packet, minimum: 12 + rtpTagLength, requires: .inbound)
    }

    /// Encrypts and authenticates an RTCP compound packet (at least an 8-byte header + SSRC).
    public func protectRTCP(_ packet: [UInt8]) throws -> [UInt8] {
        try run(.protectRTCP, "protectRTCP", packet, minimum: 8, requires: .outbound)
    }

    /// Verifies and decrypts an SRTCP packet (header, SSRC, payload, E‖index, tag).
    public func unprotectRTCP(_ packet: [UInt8]) throws -> [UInt8] {
        try run(.unprotectRTCP, "unprotectRTCP", packet, minimum: 8 + 4 + rtpTagLength, requires: .inbound)
    }

    /// `protectRTP` in the packet's own storage: reserve `LibSRTP` trailer room
    /// (`SRTPSession.maxTrailerLength`) beforehand and nothing is allocated.
    public func protectRTP(inPlace packet: inout [UInt8]) throws {
        try check("protectRTP", packet.count, minimum: 12, requires: .outbound)
        try context.run(.protect, name: "protectRTP", inPlace: &packet)
    }

    /// `unprotectRTP` in the packet's own storage (it only shrinks): a uniquely held buffer, reused
    /// from packet to packet, makes the receive path allocation-free. On error the contents are unspecified.
    public func unprotectRTP(inPlace packet: inout [UInt8]) throws {
        try check("unprotectRTP", packet.count, minimum: 12 + rtpTagLength, requires: .inbound)
        try context.run(.unprotect, name: "unprotectRTP", inPlace: &packet)
    }

    /// Bytes protecting may append to a packet (reserve them for `protectRTP(inPlace:)`).
    public static var maxTrailerLength: Int { LibSRTP.maxTrailerLength }

    private func check(_ name: String, _ count: Int, minimum: Int, requires: SRTPDirection) throws {
        guard direction == requires else { throw SRTPError.wrongDirection(operation: name, direction: direction) }
        guard count >= minimum else {
            throw SRTPError.packetTooShort(operation: name, length: count, minimum: minimum)
        }
    }

    private func run(_ op: LibSRTP.Operation, _ name: String, _ packet: [UInt8], minimum: Int,
                     requires: SRTPDirection) throws -> [UInt8] {
        try check(name, packet.count, minimum: minimum, requires: requires)
        return try context.run(op, name: name, packet)
    }
}
