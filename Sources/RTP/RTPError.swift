/// Everything that can go wrong while reading or writing RTP and RTCP.
public enum RTPError: Error, Equatable, CustomStringConvertible {
    /// Fewer bytes remained than `field` needs.
    case truncated(field: String, offset: Int, needed: Int, available: Int)
    /// The version bits were not 2.
    case badVersion(field: String, offset: Int, actual: UInt8)
    /// The padding count byte claims more bytes than follow the header.
    case paddingTooLong(field: String, padding: Int, available: Int)
    /// The padding bit is set but the padding count byte is zero.
    case zeroPadding(field: String, offset: Int)
    /// The CSRC count needs more bytes than the packet holds.
    case csrcCountBeyondLength(count: Int, needed: Int, available: Int)
    /// A header-extension element is malformed.
    case badExtensionElement(offset: Int, reason: String)
    /// An RTCP compound packet with no packets at all.
    case emptyCompound
    /// The first RTCP packet of a compound must be SR (200) or RR (201).
    case compoundMustStartWithReport(actual: UInt8)
    /// Only the last RTCP packet of a compound may carry padding.
    case paddingNotLast(index: Int, offset: Int)
    /// An RTCP packet's declared body is inconsistent with its contents.
    case badRTCPBody(packetType: UInt8, offset: Int, reason: String)
    /// A field value does not fit the wire format when serialising.
    case valueOutOfRange(field: String, value: Int, max: Int)

    public var description: String {
        switch self {
        case let .truncated(field, offset, needed, available):
            return "truncated \(field) at offset \(offset): needed \(needed) bytes, \(available) available"
        case let .badVersion(field, offset, actual):
            return "\(field) at offset \(offset) has version \(actual), expected 2"
        case let .paddingTooLong(field, padding, available):
            return "\(field) padding of \(padding) bytes exceeds the \(available) bytes after the header"
        case let .zeroPadding(field, offset):
            return "\(field) has the padding bit set but a padding count of 0 at offset \(offset)"
        case let .csrcCountBeyondLength(count, needed, available):
            return "RTP CSRC count \(count) needs \(needed) header bytes, packet has \(available)"
        case let .badExtensionElement(offset, reason):
            return "RTP header extension element at offset \(offset): \(reason)"
        case .emptyCompound:
            return "RTCP compound packet is empty, expected at least one SR or RR"
        case let .compoundMustStartWithReport(actual):
            return "RTCP compound packet starts with packet type \(actual), expected SR (200) or RR (201)"
        case let .paddingNotLast(index, offset):
            return "RTCP packet \(index) at offset \(offset) has the padding bit set but is not the last packet"
        case let .badRTCPBody(packetType, offset, reason):
            return "RTCP packet type \(packetType) at offset \(offset): \(reason)"
        case let .valueOutOfRange(field, value, max):
            return "\(field) value \(value) out of range (max \(max))"
        }
    }
}

/// Bounds-checked big-endian reads over a byte array, throwing `RTPError.truncated`.
struct RTPReader {
    let bytes: [UInt8]
    var offset: Int
    let end: Int

    init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = end ?? bytes.count
    }

    var remaining: Int { end - offset }

    func need(_ count: Int, _ field: String) throws {
        guard count >= 0, remaining >= count else {
            throw RTPError.truncated(field: field, offset: offset, needed: count, available: max(remaining, 0))
        }
    }

    mutating func u8(_ field: String) throws -> UInt8 {
        try need(1, field)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16(_ field: String) throws -> UInt16 {
        try need(2, field)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func u24(_ field: String) throws -> UInt32 {
        try need(3, field)
        defer { offset += 3 }
        return UInt32(bytes[offset]) << 16 | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2])
    }

    mutating func u32(_ field: String) throws -> UInt32 {
        try need(4, field)
        defer { offset += 4 }
        return bytes.readUInt32(at: offset)
    }

    mutating func u64(_ field: String) throws -> UInt64 {
        let hi = try u32(field)
        let lo = try u32(field)
        return UInt64(hi) << 32 | UInt64(lo)
    }

    mutating func take(_ count: Int, _ field: String) throws -> [UInt8] {
        try need(count, field)
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }
}

extension Array where Element == UInt8 {
    /// Big-endian 32-bit read; the caller has checked bounds.
    @inline(__always)
    func readUInt32(at i: Int) -> UInt32 {
        UInt32(self[i]) << 24 | UInt32(self[i + 1]) << 16 | UInt32(self[i + 2]) << 8 | UInt32(self[i + 3])
    }

    @inline(__always)
    func readUInt16(at i: Int) -> UInt16 {
        UInt16(self[i]) << 8 | UInt16(self[i + 1])
    }
}
