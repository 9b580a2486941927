import Hashing
import Wire

/// A STUN message (RFC 8489): a 20-byte header and TLV attributes padded to 32 bits.
///
/// Decoded messages remember their received bytes, so `verifyIntegrity(key:)` and `verifyFingerprint()`
/// check exactly what arrived. `attributes` holds everything before MESSAGE-INTEGRITY (attributes after it,
/// other than FINGERPRINT, are ignored as RFC 8489 section 14.5 requires); MESSAGE-INTEGRITY and FINGERPRINT
/// are exposed as `messageIntegrity` and `fingerprint`, and added by `encode(integrityKey:fingerprint:)`.
public struct STUNMessage: Equatable, Sendable {
    public static let magicCookie: UInt32 = 0x2112_A442
    public static let headerLength = 20

    public var messageClass: STUNMessageClass
    /// 12-bit method (`STUNMethod.binding`).
    public var method: UInt16
    /// 96-bit transaction id.
    public var transactionID: [UInt8]
    public var attributes: [STUNAttribute]
    /// The received MESSAGE-INTEGRITY value (decoded messages only).
    public private(set) var messageIntegrity: [UInt8]?
    /// The received FINGERPRINT value (decoded messages only).
    public private(set) var fingerprint: UInt32?

    private var received: [UInt8] = []
    private var integrityOffset: Int?
    private var fingerprintOffset: Int?

    public init(_ messageClass: STUNMessageClass, method: UInt16 = STUNMethod.binding, transactionID: [UInt8],
                attributes: [STUNAttribute] = []) {
        self.messageClass = messageClass
        self.method = method
        self.transactionID = transactionID
        self.attributes = attributes
    }

    public static func == (a: STUNMessage, b: STUNMessage) -> Bool {
        a.messageClass == b.messageClass && a.method == b.method && a.transactionID == b.transactionID
            && a.attributes == b.attributes && a.messageIntegrity == b.messageIntegrity && a.fingerprint == b.fingerprint
    }

    /// A cheap test for demultiplexing: at least a header, top two bits zero, the magic cookie in place.
    public static func looksLikeSTUN(_ bytes: [UInt8]) -> Bool {
        bytes.count >= headerLength && bytes[0] & 0xC0 == 0
            && bytes[4] == 0x21 && bytes[5] == 0x12 && bytes[6] == 0xA4 && bytes[7] == 0x42
    }

    // MARK: Decoding

    public static func decode(_ bytes: [UInt8]) throws(STUNError) -> STUNMessage {
        guard bytes.count >= headerLength else { throw .truncatedHeader(available: bytes.count) }
        guard bytes[0] & 0xC0 == 0 else { throw .notSTUN(firstByte: bytes[0]) }
        let cookie = read32(bytes, 4)
        guard cookie == magicCookie else { throw .badMagicCookie(actual: cookie) }
        let length = Int(read16(bytes, 2))
        guard length % 4 == 0 else { throw .lengthNotMultipleOfFour(length: length) }
        guard length == bytes.count - headerLength else {
            throw .lengthMismatch(declared: length, available: bytes.count - headerLength)
        }
        let (method, messageClass) = STUNMessageType.decode(read16(bytes, 0))
        let transactionID = Array(bytes[8..<20])
        var message = STUNMessage(messageClass, method: method, transactionID: transactionID)
        message.received = bytes

        var offset = headerLength
        while offset < bytes.count {
            // The body length is a multiple of 4, so a whole 4-byte attribute header is always present here.
            let type = read16(bytes, offset)
            let valueLength = Int(read16(bytes, offset + 2))
            let padded = (valueLength + 3) & ~3
            let available = bytes.count - offset - 4
            guard padded <= available else {
                throw .attributeOverrun(type: type, offset: offset, declared: padded, available: available)
            }
            let value = bytes[(offset + 4)..<(offset + 4 + valueLength)]
            if message.fingerprintOffset != nil {
                throw .attributeAfterFingerprint(type: type, offset: offset)
            }
            switch type {
            case STUNAttributeType.messageIntegrity where message.integrityOffset == nil:
                guard valueLength == 20 else {
                    throw .invalidAttribute(type: type, offset: offset, problem: "expected 20 value bytes, got \(valueLength)")
                }
                message.integrityOffset = offset
                message.messageIntegrity = Array(value)
            case STUNAttributeType.fingerprint:
                guard valueLength == 4 else {
                    throw .invalidAttribute(type: type, offset: offset, problem: "expected 4 value bytes, got \(valueLength)")
                }
                message.fingerprintOffset = offset
                message.fingerprint = read32(bytes, offset + 4)
            default:
                if message.integrityOffset == nil {
                    message.attributes.append(try STUNAttribute.decode(type: type, value: value, offset: offset,
                                                                       transactionID: transactionID))
                }
            }
            offset += 4 + padded
        }
        return message
    }

    /// Checks the received MESSAGE-INTEGRITY: HMAC-SHA1 under `key` (for ICE, the password's UTF-8 bytes)
    /// over the message up to the attribute, with the header length counting the attribute itself.
    public func verifyIntegrity(key: [UInt8]) throws(STUNError) {
        guard let offset = integrityOffset, let expected = messageIntegrity else {
            throw .missingAttribute(type: STUNAttributeType.messageIntegrity)
        }
        var covered = Array(received[0..<offset])
        Self.setLength(&covered, offset - Self.headerLength + 24)
        let actual = HMAC.sha1(key: key, data: covered)
        guard constantTimeEqual(actual, expected) else { throw .integrityMismatch(offset: offset) }
    }

    /// Checks the received FINGERPRINT: CRC-32 of the message up to the attribute, XOR 0x5354554E.
    public func verifyFingerprint() throws(STUNError) {
        guard let offset = fingerprintOffset, let actual = fingerprint else {
            throw .missingAttribute(type: STUNAttributeType.fingerprint)
        }
        var covered = Array(received[0..<offset])
        Self.setLength(&covered, offset - Self.headerLength + 8)
        let expected = CRC32.checksum(covered) ^ 0x5354_554E
        guard expected == actual else { throw .fingerprintMismatch(offset: offset, expected: expected, actual: actual) }
    }

    // MARK: Encoding

    /// Encodes the header and `attributes`, then MESSAGE-INTEGRITY when `integrityKey` is given, then
    /// FINGERPRINT when asked. Padding bytes are `paddingByte` (0 normally; RFC 5769's vectors use 0x20).
    public func encode(integrityKey: [UInt8]? = nil, fingerprint: Bool = false,
                       paddingByte: UInt8 = 0) throws(STUNError) -> [UInt8] {
        guard transactionID.count == 12 else { throw .invalidTransactionID(length: transactionID.count) }
        guard method <= 0x0FFF else { throw .invalidMethod(method) }
        var w = ByteWriter(capacity: 128)
        w.write(STUNMessageType.encode(method: method, messageClass: messageClass))
        w.write(UInt16(0))
        w.write(Self.magicCookie)
        w.write(bytes: transactionID)
        for attribute in attributes {
            let value = try attribute.encodeValue(transactionID: transactionID)
            w.write(attribute.type)
            w.write(UInt16(value.count))
            w.write(bytes: value)
            w.write(bytes: repeatElement(paddingByte, count: (4 - value.count % 4) % 4))
        }
        var bytes = w.bytes
        guard bytes.count - Self.headerLength + 24 + 8 <= 0xFFFF else {
            throw .valueTooLong(type: 0, length: bytes.count, max: 0xFFFF - 32)
        }
        if let integrityKey {
            Self.setLength(&bytes, bytes.count - Self.headerLength + 24)
            let mac = HMAC.sha1(key: integrityKey, data: bytes)
            bytes += [0x00, 0x08, 0x00, 0x14] + mac
        }
        if fingerprint {
            Self.setLength(&bytes, bytes.count - Self.headerLength + 8)
            let crc = CRC32.checksum(bytes) ^ 0x5354_554E
            bytes += [0x80, 0x28, 0x00, 0x04,
                      UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        }
        Self.setLength(&bytes, bytes.count - Self.headerLength)
        return bytes
    }

    // MARK: Attribute accessors (first occurrence)

    public var username: String? {
        for case let .username(v) in attributes { return v }
        return nil
    }
    public var priority: UInt32? {
        for case let .priority(v) in attributes { return v }
        return nil
    }
    public var useCandidate: Bool { attributes.contains(.useCandidate) }
    public var iceControlling: UInt64? {
        for case let .iceControlling(v) in attributes { return v }
        return nil
    }
    public var iceControlled: UInt64? {
        for case let .iceControlled(v) in attributes { return v }
        return nil
    }
    public var xorMappedAddress: TransportAddress? {
        for case let .xorMappedAddress(v) in attributes { return v }
        return nil
    }
    public var mappedAddress: TransportAddress? {
        for case let .mappedAddress(v) in attributes { return v }
        return nil
    }
    public var errorCode: STUNErrorCode? {
        for case let .errorCode(v) in attributes { return v }
        return nil
    }
    public var software: String? {
        for case let .software(v) in attributes { return v }
        return nil
    }

    // MARK: Helpers

    private static func read16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }
    private static func read32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
    private static func setLength(_ b: inout [UInt8], _ length: Int) {
        b[2] = UInt8(truncatingIfNeeded: length >> 8)
        b[3] = UInt8(truncatingIfNeeded: length)
    }
}
