/// Everything that can go wrong decoding, encoding or verifying a STUN message.
/// Offsets are byte offsets from the start of the message.
public enum STUNError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer than the 20 header bytes.
    case truncatedHeader(available: Int)
    /// The first two bits of a STUN message are zero (RFC 8489 section 5).
    case notSTUN(firstByte: UInt8)
    /// Bytes 4–7 are not 0x2112A442.
    case badMagicCookie(actual: UInt32)
    /// The header's length field (offset 2) is not a multiple of 4.
    case lengthNotMultipleOfFour(length: Int)
    /// The header's length field disagrees with the number of bytes after the header.
    case lengthMismatch(declared: Int, available: Int)
    /// An attribute's value (plus padding) runs past the end of the message.
    case attributeOverrun(type: UInt16, offset: Int, declared: Int, available: Int)
    /// An attribute's value is malformed; `problem` says how.
    case invalidAttribute(type: UInt16, offset: Int, problem: String)
    /// An attribute other than FINGERPRINT follows FINGERPRINT.
    case attributeAfterFingerprint(type: UInt16, offset: Int)
    /// A required attribute is absent.
    case missingAttribute(type: UInt16)
    /// MESSAGE-INTEGRITY does not match the HMAC-SHA1 computed with the given key.
    case integrityMismatch(offset: Int)
    /// FINGERPRINT does not match the CRC-32 of the message.
    case fingerprintMismatch(offset: Int, expected: UInt32, actual: UInt32)
    /// Encoding: a value is longer than its attribute allows.
    case valueTooLong(type: UInt16, length: Int, max: Int)
    /// Encoding: the transaction id is not 12 bytes.
    case invalidTransactionID(length: Int)
    /// Encoding: the method does not fit in 12 bits.
    case invalidMethod(UInt16)

    public var description: String {
        switch self {
        case let .truncatedHeader(available):
            return "STUN header truncated: needs 20 bytes, got \(available)"
        case let .notSTUN(firstByte):
            return "not STUN: first byte at offset 0 is \(hex8(firstByte)), its two top bits must be 0"
        case let .badMagicCookie(actual):
            return "STUN magic cookie at offset 4 is \(hex32(actual)), expected 0x2112a442"
        case let .lengthNotMultipleOfFour(length):
            return "STUN message length at offset 2 is \(length), expected a multiple of 4"
        case let .lengthMismatch(declared, available):
            return "STUN message length at offset 2 says \(declared) attribute bytes, but \(available) follow the header"
        case let .attributeOverrun(type, offset, declared, available):
            return "STUN attribute \(STUNAttributeType.name(type)) at offset \(offset) declares \(declared) value bytes "
                + "(padded), but only \(available) remain in the message"
        case let .invalidAttribute(type, offset, problem):
            return "STUN attribute \(STUNAttributeType.name(type)) at offset \(offset): \(problem)"
        case let .attributeAfterFingerprint(type, offset):
            return "STUN attribute \(STUNAttributeType.name(type)) at offset \(offset) follows FINGERPRINT, which must be last"
        case let .missingAttribute(type):
            return "STUN message has no \(STUNAttributeType.name(type)) attribute"
        case let .integrityMismatch(offset):
            return "STUN MESSAGE-INTEGRITY at offset \(offset) does not match the HMAC-SHA1 under the given key"
        case let .fingerprintMismatch(offset, expected, actual):
            return "STUN FINGERPRINT at offset \(offset) is \(hex32(actual)), expected \(hex32(expected))"
        case let .valueTooLong(type, length, max):
            return "STUN attribute \(STUNAttributeType.name(type)) value is \(length) bytes, at most \(max) allowed"
        case let .invalidTransactionID(length):
            return "STUN transaction id is \(length) bytes, expected 12"
        case let .invalidMethod(method):
            return "STUN method \(hex16(method)) does not fit in 12 bits"
        }
    }
}

func hex8(_ v: UInt8) -> String { "0x" + pad(String(v, radix: 16), 2) }
func hex16(_ v: UInt16) -> String { "0x" + pad(String(v, radix: 16), 4) }
func hex32(_ v: UInt32) -> String { "0x" + pad(String(v, radix: 16), 8) }
private func pad(_ s: String, _ n: Int) -> String { String(repeating: "0", count: max(0, n - s.count)) + s }
