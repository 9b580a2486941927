import Wire

/// RTCP goodbye, packet type 203 (RFC 3550 6.6).
public struct RTCPBye: Equatable, Sendable {
    public static let packetType: UInt8 = 203

    /// At most 31.
    public var ssrcs: [UInt32]
    /// Optional reason for leaving (at most 255 UTF-8 bytes).
    public var reason: String?

    public init(ssrcs: [UInt32], reason: String? = nil) {
        self.ssrcs = ssrcs
        self.reason = reason
    }

    static func parse(count: Int, _ r: inout RTPReader) throws -> RTCPBye {
        guard r.remaining >= count * 4 else {
            throw RTPError.badRTCPBody(packetType: packetType, offset: r.offset,
                                       reason: "source count \(count) needs \(count * 4) body bytes, \(r.remaining) available")
        }
        // Sources and the padded reason fill whole 32-bit words (RFC 3550 6.6), before any RTCP padding.
        guard (r.end - r.offset) % 4 == 0 else {
            throw RTPError.badRTCPBody(packetType: packetType, offset: r.offset,
                                       reason: "BYE body of \(r.end - r.offset) bytes is not a whole number of 32-bit words")
        }
        var ssrcs: [UInt32] = []
        for _ in 0..<count { ssrcs.append(try r.u32("BYE SSRC")) }
        var reason: String?
        if r.remaining > 0 {
            let length = Int(try r.u8("BYE reason length"))
            reason = String(decoding: try r.take(length, "BYE reason"), as: UTF8.self)
            // The rest pads to a 32-bit boundary.
            for i in r.offset..<r.end where r.bytes[i] != 0 {
                throw RTPError.badRTCPBody(packetType: packetType, offset: i,
                                           reason: "BYE reason padding byte is \(r.bytes[i]), expected 0")
            }
            guard r.remaining < 4 else {
                throw RTPError.badRTCPBody(packetType: packetType, offset: r.offset,
                                           reason: "\(r.remaining) bytes after BYE reason, expected at most 3")
            }
            r.offset = r.end
        }
        return RTCPBye(ssrcs: ssrcs, reason: reason)
    }

    func writeBody(to w: inout ByteWriter) throws -> UInt8 {
        guard ssrcs.count <= 31 else {
            throw RTPError.valueOutOfRange(field: "BYE source count", value: ssrcs.count, max: 31)
        }
        let start = w.count
        for ssrc in ssrcs { w.write(ssrc) }
        if let reason {
            let bytes = Array(reason.utf8)
            guard bytes.count <= 255 else {
                throw RTPError.valueOutOfRange(field: "BYE reason length", value: bytes.count, max: 255)
            }
            w.write(UInt8(bytes.count))
            w.write(bytes: bytes)
            while (w.count - start) % 4 != 0 { w.write(UInt8(0)) }
        }
        return UInt8(ssrcs.count)
    }
}
