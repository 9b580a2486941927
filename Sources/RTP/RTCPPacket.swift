import Wire

/// An RTCP packet type we do not interpret (APP 204, feedback 205/206, XR 207, …), kept raw.
public struct RTCPRawPacket: Equatable, Sendable {
    public var packetType: UInt8
    /// The 5-bit count / format field of the header.
    public var count: UInt8
    /// The body after the 4-byte header (a multiple of 4 bytes).
    public var body: [UInt8]

    public init(packetType: UInt8, count: UInt8, body: [UInt8]) {
        self.packetType = packetType
        self.count = count
        self.body = body
    }
}

/// One RTCP packet of a compound packet.
public enum RTCPPacket: Equatable, Sendable {
    case senderReport(RTCPSenderReport)
    case receiverReport(RTCPReceiverReport)
    case sourceDescription(RTCPSourceDescription)
    case bye(RTCPBye)
    /// APP and any other type, kept raw.
    case other(RTCPRawPacket)

    public var packetType: UInt8 {
        switch self {
        case .senderReport: return RTCPSenderReport.packetType
        case .receiverReport: return RTCPReceiverReport.packetType
        case .sourceDescription: return RTCPSourceDescription.packetType
        case .bye: return RTCPBye.packetType
        case let .other(raw): return raw.packetType
        }
    }

    /// Parses a body of `[r.offset, r.end)` whose header carried `count` and `packetType`.
    static func parseBody(packetType: UInt8, count: Int, _ r: inout RTPReader) throws -> RTCPPacket {
        switch packetType {
        case RTCPSenderReport.packetType: return .senderReport(try .parse(count: count, &r))
        case RTCPReceiverReport.packetType: return .receiverReport(try .parse(count: count, &r))
        case RTCPSourceDescription.packetType: return .sourceDescription(try .parse(count: count, &r))
        case RTCPBye.packetType: return .bye(try .parse(count: count, &r))
        default:
            return .other(RTCPRawPacket(packetType: packetType, count: UInt8(count),
                                        body: try r.take(r.remaining, "RTCP body")))
        }
    }

    /// Appends header and body; `paddingLength` (0 or 1…255) bytes of padding set the P bit.
    func write(to w: inout ByteWriter, paddingLength: Int = 0) throws {
        let headerOffset = w.count
        w.write(UInt32(0))  // patched below
        let count: UInt8
        switch self {
        case let .senderReport(sr): count = try sr.writeBody(to: &w)
        case let .receiverReport(rr): count = try rr.writeBody(to: &w)
        case let .sourceDescription(sdes): count = try sdes.writeBody(to: &w)
        case let .bye(bye): count = try bye.writeBody(to: &w)
        case let .other(raw):
            guard raw.count <= 31 else {
                throw RTPError.valueOutOfRange(field: "RTCP count field", value: Int(raw.count), max: 31)
            }
            count = raw.count
            w.write(bytes: raw.body)
        }
        if paddingLength > 0 {
            w.writeZeros(paddingLength - 1)
            w.write(UInt8(paddingLength))
        }
        let length = w.count - headerOffset
        guard length % 4 == 0 else {
            throw RTPError.valueOutOfRange(field: "RTCP packet type \(packetType) length (not a multiple of 4)",
                                           value: length, max: 65536 * 4)
        }
        guard length / 4 - 1 <= 0xFFFF else {
            throw RTPError.valueOutOfRange(field: "RTCP packet type \(packetType) length", value: length, max: 65536 * 4)
        }
        let first: UInt16 = UInt16(2 << 6 | (paddingLength > 0 ? 0x20 : 0) | count) << 8 | UInt16(packetType)
        w.set(first, at: headerOffset)
        w.set(UInt16(length / 4 - 1), at: headerOffset + 2)
    }
}
