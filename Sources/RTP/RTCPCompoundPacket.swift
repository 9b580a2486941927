import Wire

/// A compound RTCP packet (RFC 3550 6.1): one or more RTCP packets back to back in one datagram.
public struct RTCPCompoundPacket: Equatable, Sendable {
    public var packets: [RTCPPacket]
    /// Padding (including the count byte) on the last packet; 0 for none.
    public var paddingLength: UInt8

    public init(packets: [RTCPPacket], paddingLength: UInt8 = 0) {
        self.packets = packets
        self.paddingLength = paddingLength
    }

    /// Parses and validates per RFC 3550 A.2: every packet version 2, the first an SR or RR, padding only
    /// on the last, and the packet lengths adding up to the datagram exactly.
    /// `allowReducedSize` (RFC 5506) lifts the "first must be SR/RR" rule.
    public static func parse(_ bytes: [UInt8], allowReducedSize: Bool = false) throws -> RTCPCompoundPacket {
        guard !bytes.isEmpty else { throw RTPError.emptyCompound }
        var packets: [RTCPPacket] = []
        var padding = 0
        var offset = 0
        while offset < bytes.count {
            let index = packets.count
            var header = RTPReader(bytes, offset: offset)
            try header.need(4, "RTCP packet \(index) header")
            let b0 = try header.u8("RTCP packet \(index) header")
            let packetType = try header.u8("RTCP packet \(index) header")
            let words = Int(try header.u16("RTCP packet \(index) length"))
            guard b0 >> 6 == 2 else {
                throw RTPError.badVersion(field: "RTCP packet \(index)", offset: offset, actual: b0 >> 6)
            }
            if index == 0 && !allowReducedSize
                && packetType != RTCPSenderReport.packetType && packetType != RTCPReceiverReport.packetType {
                throw RTPError.compoundMustStartWithReport(actual: packetType)
            }
            let bodyLength = words * 4
            try header.need(bodyLength, "RTCP packet \(index) (type \(packetType)) body")
            let end = offset + 4 + bodyLength
            var bodyEnd = end
            if b0 & 0x20 != 0 {
                guard end == bytes.count else { throw RTPError.paddingNotLast(index: index, offset: offset) }
                guard bodyLength > 0 else {
                    throw RTPError.truncated(field: "RTCP packet \(index) padding count", offset: end,
                                             needed: 1, available: 0)
                }
                padding = Int(bytes[end - 1])
                guard padding != 0 else { throw RTPError.zeroPadding(field: "RTCP packet \(index)", offset: end - 1) }
                guard padding <= bodyLength else {
                    throw RTPError.paddingTooLong(field: "RTCP packet \(index)", padding: padding, available: bodyLength)
                }
                bodyEnd -= padding
            }
            var body = RTPReader(bytes, offset: offset + 4, end: bodyEnd)
            packets.append(try RTCPPacket.parseBody(packetType: packetType, count: Int(b0 & 0x1F), &body))
            offset = end
        }
        return RTCPCompoundPacket(packets: packets, paddingLength: UInt8(padding))
    }

    /// The wire bytes of all packets, padding the last when `paddingLength > 0`.
    public func serialize() throws -> [UInt8] {
        var w = ByteWriter(capacity: 128)
        for (index, packet) in packets.enumerated() {
            try packet.write(to: &w, paddingLength: index == packets.count - 1 ? Int(paddingLength) : 0)
        }
        return w.bytes
    }

    /// The first sender report, if any.
    public var senderReport: RTCPSenderReport? {
        for case let .senderReport(sr) in packets { return sr }
        return nil
    }
}
