/// Errors raised by the DTLS module: bad configuration, malformed records, OpenSSL failures and
/// peer-certificate mismatches. `description` says what failed, where, and what was expected.
public enum DTLSError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The SDP fingerprint handed to the endpoint is not a SHA-256 digest.
    case invalidFingerprintLength(actual: Int)
    /// An `a=fingerprint` value could not be parsed.
    case invalidFingerprintText(text: String, reason: String)
    /// The endpoint was given no SRTP protection profile to offer.
    case noProfiles
    /// The MTU is below what OpenSSL accepts for a DTLS link.
    case mtuOutOfRange(mtu: Int, minimum: Int, maximum: Int)
    /// The initial retransmission timeout is outside what the endpoint supports.
    case retransmitTimeoutOutOfRange(milliseconds: Int64, minimum: Int64, maximum: Int64)
    /// A datagram carried no bytes at all.
    case emptyDatagram
    /// Fewer than 13 bytes remained where a DTLS record header should start.
    case truncatedRecordHeader(offset: Int, available: Int)
    /// A record header announced more payload than the datagram holds.
    case truncatedRecordBody(offset: Int, length: Int, available: Int)
    /// The first byte of a record is outside the DTLS range of RFC 7983 (20–63).
    case unexpectedContentType(offset: Int, contentType: UInt8)
    /// The record's version is not a DTLS version (major byte 0xFE).
    case unexpectedVersion(offset: Int, version: UInt16)
    /// A protected record (epoch ≥ 1) shorter than the negotiated cipher's overhead.
    case protectedRecordTooShort(minimum: Int)
    /// After the handshake, a record whose version is not the negotiated one.
    case versionNotNegotiated(version: UInt16, negotiated: UInt16)
    /// An OpenSSL call failed; `reason` holds OpenSSL's error string.
    case openSSL(operation: String, reason: String)
    /// The peer's certificate does not hash to the fingerprint announced in its SDP.
    case fingerprintMismatch(actual: [UInt8], expected: [UInt8])
    /// The handshake finished without a peer certificate.
    case noPeerCertificate
    /// The handshake finished without an SRTP profile both sides support.
    case noSelectedProfile(name: String?)

    public var description: String {
        switch self {
        case let .invalidFingerprintLength(actual):
            return "remote fingerprint has \(actual) bytes, expected 32 (sha-256)"
        case let .invalidFingerprintText(text, reason):
            return "invalid sha-256 fingerprint \"\(text)\": \(reason)"
        case .noProfiles:
            return "no SRTP protection profile given, expected at least one"
        case let .mtuOutOfRange(mtu, minimum, maximum):
            return "DTLS MTU \(mtu) out of range, expected \(minimum)...\(maximum)"
        case let .retransmitTimeoutOutOfRange(milliseconds, minimum, maximum):
            return "DTLS retransmission timeout \(milliseconds) ms out of range, expected \(minimum)...\(maximum) ms"
        case .emptyDatagram:
            return "empty DTLS datagram, expected at least one 13-byte record header"
        case let .truncatedRecordHeader(offset, available):
            return "truncated DTLS record header at offset \(offset): needed 13 bytes, \(available) available"
        case let .truncatedRecordBody(offset, length, available):
            return "truncated DTLS record at offset \(offset): header announces \(length) bytes, \(available) available"
        case let .unexpectedContentType(offset, contentType):
            return "DTLS record at offset \(offset) has content type \(contentType), expected 20...63"
        case let .unexpectedVersion(offset, version):
            return "DTLS record at offset \(offset) has version 0x\(hex16(version)), expected 0xFEXX"
        case let .protectedRecordTooShort(minimum):
            return "protected DTLS record shorter than the cipher's \(minimum)-byte overhead, dropped"
        case let .versionNotNegotiated(version, negotiated):
            return "DTLS record with version 0x\(hex16(version)) after the handshake negotiated 0x\(hex16(negotiated)), dropped"
        case let .openSSL(operation, reason):
            return "\(operation) failed: \(reason)"
        case let .fingerprintMismatch(actual, expected):
            return "DTLS peer certificate fingerprint \(DTLSFingerprint.format(actual)) does not match "
                + "the SDP a=fingerprint \(DTLSFingerprint.format(expected))"
        case .noPeerCertificate:
            return "DTLS handshake finished without a peer certificate, expected one matching the SDP a=fingerprint"
        case let .noSelectedProfile(name):
            if let name {
                return "DTLS handshake selected SRTP profile \(name), expected one of the offered profiles"
            }
            return "DTLS handshake finished without a use_srtp profile, expected one of the offered profiles"
        }
    }
}

private func hex16(_ value: UInt16) -> String {
    let digits = Array("0123456789ABCDEF")
    return String((0..<4).reversed().map { digits[Int((value >> (UInt16($0) * 4)) & 0xF)] })
}
