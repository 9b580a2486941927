/// The two class bits of a STUN message type (RFC 8489 section 5).
public enum STUNMessageClass: UInt8, Sendable, Hashable, CustomStringConvertible {
    case request = 0
    case indication = 1
    case successResponse = 2
    case errorResponse = 3

    public var description: String {
        switch self {
        case .request: return "request"
        case .indication: return "indication"
        case .successResponse: return "success response"
        case .errorResponse: return "error response"
        }
    }
}

/// STUN methods (12 bits). Only Binding is used by ICE.
public enum STUNMethod {
    public static let binding: UInt16 = 0x001
}

/// Packs and unpacks the 14-bit message type: method bits M0–M11 interleaved with class bits C0 (bit 4)
/// and C1 (bit 8).
enum STUNMessageType {
    static func encode(method: UInt16, messageClass: STUNMessageClass) -> UInt16 {
        let c = UInt16(messageClass.rawValue)
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
            | ((c & 0x1) << 4) | ((c & 0x2) << 7)
    }

    static func decode(_ type: UInt16) -> (method: UInt16, messageClass: STUNMessageClass) {
        let method = (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2)
        let c = UInt8(((type >> 4) & 0x1) | ((type >> 7) & 0x2))
        return (method, STUNMessageClass(rawValue: c) ?? .request)
    }
}
