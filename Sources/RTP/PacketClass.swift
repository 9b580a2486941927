/// What a datagram on a shared UDP socket carries (RFC 7983 demultiplexing with RFC 5761 rtcp-mux).
public enum PacketClass: Equatable, Sendable, CustomStringConvertible {
    case stun
    case dtls
    case rtp
    case rtcp
    case unknown

    /// First byte 0–3 STUN, 20–63 DTLS, 128–191 RTP/RTCP; for the latter a second byte of 192–223
    /// (RTCP packet types 192–223 seen through the marker bit) is RTCP, anything else RTP.
    public static func classify<C: Collection>(_ bytes: C) -> PacketClass where C.Element == UInt8 {
        guard let first = bytes.first else { return .unknown }
        switch first {
        case 0...3: return .stun
        case 20...63: return .dtls
        case 128...191:
            let second = bytes.dropFirst().first
            guard let second else { return .unknown }
            return (192...223).contains(second) ? .rtcp : .rtp
        default: return .unknown
        }
    }

    /// The same for a byte array, without generic dispatch: every received datagram is classified.
    @inlinable
    public static func classify(_ bytes: [UInt8]) -> PacketClass {
        guard let first = bytes.first else { return .unknown }
        return classify(first: first, second: bytes.count > 1 ? bytes[1] : nil)
    }

    /// The same from the first two bytes (`second` nil when the datagram has one byte).
    @inlinable
    public static func classify(first: UInt8, second: UInt8?) -> PacketClass {
        switch first {
        case 0...3: return .stun
        case 20...63: return .dtls
        case 128...191:
            guard let second else { return .unknown }
            return (192...223).contains(second) ? .rtcp : .rtp
        default: return .unknown
        }
    }

    public var description: String {
        switch self {
        case .stun: return "STUN"
        case .dtls: return "DTLS"
        case .rtp: return "RTP"
        case .rtcp: return "RTCP"
        case .unknown: return "unknown"
        }
    }
}
