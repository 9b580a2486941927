/// Reads RTP header fields in place, without copying the packet: the fast path for the media loop.
/// `init` validates the version and the lengths of the header, CSRCs, extension and padding.
public struct RTPHeaderView: Sendable {
    public let bytes: [UInt8]
    /// Byte range of the payload (after header and extension, before padding).
    public let payloadRange: Range<Int>
    /// Byte range of the header-extension data, if the X bit is set.
    public let extensionRange: Range<Int>?

    public init(_ bytes: [UInt8]) throws {
        guard bytes.count >= 12 else {
            throw RTPError.truncated(field: "RTP header", offset: 0, needed: 12, available: bytes.count)
        }
        let b0 = bytes[0]
        guard b0 >> 6 == 2 else { throw RTPError.badVersion(field: "RTP header", offset: 0, actual: b0 >> 6) }
        var offset = 12 + Int(b0 & 0x0F) * 4
        guard offset <= bytes.count else {
            throw RTPError.csrcCountBeyondLength(count: Int(b0 & 0x0F), needed: offset, available: bytes.count)
        }
        var ext: Range<Int>?
        if b0 & 0x10 != 0 {
            guard offset + 4 <= bytes.count else {
                throw RTPError.truncated(field: "RTP header extension profile", offset: offset, needed: 4,
                                         available: bytes.count - offset)
            }
            let length = Int(bytes.readUInt16(at: offset + 2)) * 4
            guard offset + 4 + length <= bytes.count else {
                throw RTPError.truncated(field: "RTP header extension data", offset: offset + 4, needed: length,
                                         available: bytes.count - offset - 4)
            }
            ext = (offset + 4)..<(offset + 4 + length)
            offset += 4 + length
        }
        var end = bytes.count
        if b0 & 0x20 != 0 {
            guard offset < bytes.count else {
                throw RTPError.truncated(field: "RTP padding count", offset: offset, needed: 1, available: 0)
            }
            let padding = Int(bytes[bytes.count - 1])
            guard padding != 0 else { throw RTPError.zeroPadding(field: "RTP packet", offset: bytes.count - 1) }
            guard padding <= bytes.count - offset else {
                throw RTPError.paddingTooLong(field: "RTP packet", padding: padding, available: bytes.count - offset)
            }
            end -= padding
        }
        self.bytes = bytes
        self.payloadRange = offset..<end
        self.extensionRange = ext
    }

    public var marker: Bool { bytes[1] & 0x80 != 0 }
    public var payloadType: UInt8 { bytes[1] & 0x7F }
    public var sequenceNumber: UInt16 { bytes.readUInt16(at: 2) }
    public var timestamp: UInt32 { bytes.readUInt32(at: 4) }
    public var ssrc: UInt32 { bytes.readUInt32(at: 8) }
    public var csrcCount: Int { Int(bytes[0] & 0x0F) }
    public var payloadLength: Int { payloadRange.count }
    public var extensionProfile: UInt16? {
        extensionRange.map { bytes.readUInt16(at: $0.lowerBound - 4) }
    }

    /// The payload bytes (a view, no copy).
    public var payload: ArraySlice<UInt8> { bytes[payloadRange] }

    /// Byte range of the data of the first RFC 8285 element with `id`, or nil (also when malformed).
    public func extensionElementRange(id: UInt8) -> Range<Int>? {
        guard let range = extensionRange, let profile = extensionProfile else { return nil }
        // The whole block is walked: a malformed element anywhere voids every element, exactly as
        // `RTPPacket.headerExtension.elements()` does (the two must never disagree).
        var found: Range<Int>?
        do {
            try forEachElement(bytes, from: range.lowerBound, to: range.upperBound, profile: profile) { elementID, r in
                if elementID == id, found == nil { found = r }
                return true
            }
        } catch {
            return nil
        }
        return found
    }

    /// The RFC 6464 audio level in extension element `id`, read without allocating.
    public func audioLevel(extensionID id: UInt8) -> AudioLevel? {
        guard let r = extensionElementRange(id: id), !r.isEmpty else { return nil }
        return AudioLevel(byte: bytes[r.lowerBound])
    }
}
