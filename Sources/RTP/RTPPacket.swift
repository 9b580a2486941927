import Wire

/// An RTP data packet (RFC 3550 5.1). Parse and serialise are byte-exact inverses for packets whose
/// padding bytes before the count byte are zero.
public struct RTPPacket: Equatable, Sendable {
    public static let version: UInt8 = 2
    public static let fixedHeaderLength = 12

    public var marker: Bool
    /// 0…127.
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    /// At most 15.
    public var csrcs: [UInt32]
    public var headerExtension: RTPHeaderExtension?
    public var payload: [UInt8]
    /// Padding bytes at the end, including the final count byte; 0 means no padding (P bit clear).
    public var paddingLength: UInt8

    public init(marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32,
                ssrc: UInt32, csrcs: [UInt32] = [], headerExtension: RTPHeaderExtension? = nil,
                payload: [UInt8], paddingLength: UInt8 = 0) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.headerExtension = headerExtension
        self.payload = payload
        self.paddingLength = paddingLength
    }

    /// Parses one RTP packet, throwing `RTPError` with the failing field and offset.
    public static func parse(_ bytes: [UInt8]) throws -> RTPPacket {
        var r = RTPReader(bytes)
        try r.need(fixedHeaderLength, "RTP header")
        let b0 = try r.u8("RTP header")
        guard b0 >> 6 == version else { throw RTPError.badVersion(field: "RTP header", offset: 0, actual: b0 >> 6) }
        let b1 = try r.u8("RTP header")
        let sequence = try r.u16("RTP sequence number")
        let timestamp = try r.u32("RTP timestamp")
        let ssrc = try r.u32("RTP SSRC")
        let csrcCount = Int(b0 & 0x0F)
        guard r.remaining >= csrcCount * 4 else {
            throw RTPError.csrcCountBeyondLength(count: csrcCount, needed: 12 + csrcCount * 4, available: bytes.count)
        }
        var csrcs: [UInt32] = []
        csrcs.reserveCapacity(csrcCount)
        for _ in 0..<csrcCount { csrcs.append(try r.u32("RTP CSRC")) }
        var ext: RTPHeaderExtension?
        if b0 & 0x10 != 0 {
            let profile = try r.u16("RTP header extension profile")
            let words = Int(try r.u16("RTP header extension length"))
            ext = RTPHeaderExtension(profile: profile, data: try r.take(words * 4, "RTP header extension data"))
        }
        var padding = 0
        if b0 & 0x20 != 0 {
            guard let last = bytes.last, r.remaining > 0 else {
                throw RTPError.truncated(field: "RTP padding count", offset: r.offset, needed: 1, available: 0)
            }
            guard last != 0 else { throw RTPError.zeroPadding(field: "RTP packet", offset: bytes.count - 1) }
            padding = Int(last)
            guard padding <= r.remaining else {
                throw RTPError.paddingTooLong(field: "RTP packet", padding: padding, available: r.remaining)
            }
        }
        let payload = Array(bytes[r.offset..<(bytes.count - padding)])
        return RTPPacket(marker: b1 & 0x80 != 0, payloadType: b1 & 0x7F, sequenceNumber: sequence,
                         timestamp: timestamp, ssrc: ssrc, csrcs: csrcs, headerExtension: ext,
                         payload: payload, paddingLength: UInt8(padding))
    }

    /// Header length in bytes (fixed header, CSRCs, extension).
    public var headerLength: Int {
        Self.fixedHeaderLength + csrcs.count * 4 + (headerExtension.map { 4 + $0.data.count } ?? 0)
    }

    /// The wire bytes. Throws when a field does not fit (payload type > 127, more than 15 CSRCs,
    /// extension data not a multiple of 4 or too long). `reservingCapacity` bytes more are reserved
    /// (SRTP's trailer, appended in place without another allocation).
    public func serialize(reservingCapacity extra: Int = 0) throws -> [UInt8] {
        guard payloadType <= 127 else {
            throw RTPError.valueOutOfRange(field: "RTP payload type", value: Int(payloadType), max: 127)
        }
        guard csrcs.count <= 15 else {
            throw RTPError.valueOutOfRange(field: "RTP CSRC count", value: csrcs.count, max: 15)
        }
        var w = ByteWriter(capacity: headerLength + payload.count + Int(paddingLength) + max(0, extra))
        var b0: UInt8 = Self.version << 6 | UInt8(csrcs.count)
        if paddingLength > 0 { b0 |= 0x20 }
        if headerExtension != nil { b0 |= 0x10 }
        w.write(b0)
        w.write((marker ? 0x80 : 0) | payloadType)
        w.write(sequenceNumber)
        w.write(timestamp)
        w.write(ssrc)
        for csrc in csrcs { w.write(csrc) }
        if let ext = headerExtension {
            guard ext.data.count % 4 == 0 else {
                throw RTPError.valueOutOfRange(field: "RTP header extension length (not a multiple of 4)",
                                               value: ext.data.count, max: 65535 * 4)
            }
            guard ext.data.count <= 65535 * 4 else {
                throw RTPError.valueOutOfRange(field: "RTP header extension length", value: ext.data.count,
                                               max: 65535 * 4)
            }
            w.write(ext.profile)
            w.write(UInt16(ext.data.count / 4))
            w.write(bytes: ext.data)
        }
        w.write(bytes: payload)
        if paddingLength > 0 {
            w.writeZeros(Int(paddingLength) - 1)
            w.write(paddingLength)
        }
        return w.bytes
    }

    /// The RFC 6464 audio level carried in the extension element `id`, if present and well formed.
    public func audioLevel(extensionID id: UInt8) -> AudioLevel? {
        guard let ext = headerExtension, let data = try? ext.element(id: id) else { return nil }
        return AudioLevel(elementData: data)
    }
}
