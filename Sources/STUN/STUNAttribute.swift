import Wire

/// An ERROR-CODE value: a code 300–699 and a reason phrase.
public struct STUNErrorCode: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var code: Int
    public var reason: String

    public init(code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }

    public static let badRequest = STUNErrorCode(code: 400, reason: "Bad Request")
    public static let unauthorized = STUNErrorCode(code: 401, reason: "Unauthorized")
    public static let unknownAttribute = STUNErrorCode(code: 420, reason: "Unknown Attribute")
    public static let roleConflict = STUNErrorCode(code: 487, reason: "Role Conflict")

    public var description: String { "\(code) (\(reason))" }
}

/// One STUN attribute. MESSAGE-INTEGRITY and FINGERPRINT are not attributes of this enum: the encoder
/// appends them and `STUNMessage` exposes the received ones separately.
public enum STUNAttribute: Equatable, Hashable, Sendable {
    case mappedAddress(TransportAddress)
    case xorMappedAddress(TransportAddress)
    case username(String)
    case priority(UInt32)
    case useCandidate
    case iceControlled(tieBreaker: UInt64)
    case iceControlling(tieBreaker: UInt64)
    case errorCode(STUNErrorCode)
    case software(String)
    /// Any other attribute, kept with its raw value (without padding).
    case unknown(type: UInt16, value: [UInt8])

    public var type: UInt16 {
        switch self {
        case .mappedAddress: return STUNAttributeType.mappedAddress
        case .xorMappedAddress: return STUNAttributeType.xorMappedAddress
        case .username: return STUNAttributeType.username
        case .priority: return STUNAttributeType.priority
        case .useCandidate: return STUNAttributeType.useCandidate
        case .iceControlled: return STUNAttributeType.iceControlled
        case .iceControlling: return STUNAttributeType.iceControlling
        case .errorCode: return STUNAttributeType.errorCode
        case .software: return STUNAttributeType.software
        case let .unknown(type, _): return type
        }
    }

    static let magicCookie: UInt32 = 0x2112_A442

    /// The attribute's value bytes (unpadded).
    func encodeValue(transactionID: [UInt8]) throws(STUNError) -> [UInt8] {
        var w = ByteWriter()
        switch self {
        case let .mappedAddress(address):
            Self.writeAddress(address, xor: nil, into: &w)
        case let .xorMappedAddress(address):
            Self.writeAddress(address, xor: Self.xorMask(transactionID: transactionID), into: &w)
        case let .username(name):
            let bytes = Array(name.utf8)
            guard bytes.count <= 513 else { throw .valueTooLong(type: type, length: bytes.count, max: 513) }
            w.write(bytes: bytes)
        case let .priority(value):
            w.write(value)
        case .useCandidate:
            break
        case let .iceControlled(value), let .iceControlling(value):
            w.write(value)
        case let .errorCode(error):
            let reason = Array(error.reason.utf8)
            guard reason.count <= 763 else { throw .valueTooLong(type: type, length: reason.count, max: 763) }
            w.write(UInt16(0))
            w.write(UInt8(clamping: (error.code / 100) & 0x07))
            w.write(UInt8(clamping: error.code % 100))
            w.write(bytes: reason)
        case let .software(text):
            let bytes = Array(text.utf8)
            guard bytes.count <= 763 else { throw .valueTooLong(type: type, length: bytes.count, max: 763) }
            w.write(bytes: bytes)
        case let .unknown(_, value):
            guard value.count <= 0xFFFF else { throw .valueTooLong(type: type, length: value.count, max: 0xFFFF) }
            w.write(bytes: value)
        }
        return w.bytes
    }

    /// Decodes one attribute value; `offset` is the attribute header's offset, for error messages.
    static func decode(type: UInt16, value: ArraySlice<UInt8>, offset: Int,
                       transactionID: [UInt8]) throws(STUNError) -> STUNAttribute {
        let v = Array(value)
        func fixed(_ n: Int) throws(STUNError) {
            guard v.count == n else {
                throw .invalidAttribute(type: type, offset: offset, problem: "expected \(n) value bytes, got \(v.count)")
            }
        }
        func utf8() throws(STUNError) -> String {
            guard let s = String(validating: v, as: UTF8.self) else {
                throw .invalidAttribute(type: type, offset: offset, problem: "value is not valid UTF-8")
            }
            return s
        }
        switch type {
        case STUNAttributeType.mappedAddress:
            return .mappedAddress(try readAddress(v, type: type, offset: offset, xor: nil))
        case STUNAttributeType.xorMappedAddress:
            return .xorMappedAddress(try readAddress(v, type: type, offset: offset,
                                                     xor: xorMask(transactionID: transactionID)))
        case STUNAttributeType.username:
            return .username(try utf8())
        case STUNAttributeType.priority:
            try fixed(4)
            return .priority(v.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        case STUNAttributeType.useCandidate:
            try fixed(0)
            return .useCandidate
        case STUNAttributeType.iceControlled:
            try fixed(8)
            return .iceControlled(tieBreaker: v.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        case STUNAttributeType.iceControlling:
            try fixed(8)
            return .iceControlling(tieBreaker: v.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        case STUNAttributeType.errorCode:
            guard v.count >= 4 else {
                throw .invalidAttribute(type: type, offset: offset, problem: "expected at least 4 value bytes, got \(v.count)")
            }
            let errorClass = Int(v[2] & 0x07), number = Int(v[3])
            guard (3...6).contains(errorClass), number < 100 else {
                throw .invalidAttribute(type: type, offset: offset,
                                        problem: "class \(errorClass) number \(number) is not a code in 300–699")
            }
            let reasonBytes = Array(v[4...])
            guard let reason = String(validating: reasonBytes, as: UTF8.self) else {
                throw .invalidAttribute(type: type, offset: offset, problem: "reason phrase is not valid UTF-8")
            }
            return .errorCode(STUNErrorCode(code: errorClass * 100 + number, reason: reason))
        case STUNAttributeType.software:
            return .software(try utf8())
        default:
            return .unknown(type: type, value: v)
        }
    }

    /// The 20-byte XOR mask: magic cookie then transaction id (the port uses the top 16 bits).
    static func xorMask(transactionID: [UInt8]) -> [UInt8] {
        [0x21, 0x12, 0xA4, 0x42] + transactionID
    }

    private static func writeAddress(_ address: TransportAddress, xor mask: [UInt8]?, into w: inout ByteWriter) {
        w.write(UInt8(0))
        w.write(UInt8(address.ip.isIPv6 ? 0x02 : 0x01))
        var port = address.port
        if let mask { port ^= UInt16(mask[0]) << 8 | UInt16(mask[1]) }
        w.write(port)
        let ip = address.ip.bytes
        for i in 0..<ip.count { w.write(mask.map { ip[i] ^ $0[i] } ?? ip[i]) }
    }

    private static func readAddress(_ v: [UInt8], type: UInt16, offset: Int,
                                    xor mask: [UInt8]?) throws(STUNError) -> TransportAddress {
        guard v.count >= 4 else {
            throw .invalidAttribute(type: type, offset: offset, problem: "expected 8 or 20 value bytes, got \(v.count)")
        }
        let family = v[1]
        let length: Int
        switch family {
        case 0x01: length = 4
        case 0x02: length = 16
        default:
            throw .invalidAttribute(type: type, offset: offset,
                                    problem: "address family \(hex8(family)), expected 0x01 (IPv4) or 0x02 (IPv6)")
        }
        guard v.count == 4 + length else {
            throw .invalidAttribute(type: type, offset: offset,
                                    problem: "expected \(4 + length) value bytes for family \(hex8(family)), got \(v.count)")
        }
        var port = UInt16(v[2]) << 8 | UInt16(v[3])
        var ip = Array(v[4...])
        if let mask {
            port ^= UInt16(mask[0]) << 8 | UInt16(mask[1])
            for i in 0..<ip.count { ip[i] ^= mask[i] }
        }
        let address: IPAddress = length == 4 ? .v4(ip) : .v6(ip)
        return TransportAddress(ip: address, port: port)
    }
}
