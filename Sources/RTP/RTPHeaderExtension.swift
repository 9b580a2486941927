/// The RTP header extension (RFC 3550 5.3.1): a 16-bit profile value and data in 32-bit words.
/// Helpers read and write RFC 8285 one-byte (profile 0xBEDE) and two-byte (0x100X) elements.
public struct RTPHeaderExtension: Equatable, Sendable {
    /// RFC 8285 one-byte header profile.
    public static let oneByteProfile: UInt16 = 0xBEDE
    /// RFC 8285 two-byte header profile (low 4 bits are "appbits").
    public static let twoByteProfile: UInt16 = 0x1000

    /// One RFC 8285 element: a local identifier and its data.
    public struct Element: Equatable, Sendable {
        public var id: UInt8
        public var data: [UInt8]

        public init(id: UInt8, data: [UInt8]) {
            self.id = id
            self.data = data
        }
    }

    public var profile: UInt16
    /// The extension body; its length is a multiple of 4 when serialised.
    public var data: [UInt8]

    public init(profile: UInt16, data: [UInt8]) {
        self.profile = profile
        self.data = data
    }

    public var isOneByte: Bool { profile == Self.oneByteProfile }
    public var isTwoByte: Bool { profile & 0xFFF0 == Self.twoByteProfile }

    /// Builds a one-byte-header extension (ids 1–14, 1–16 data bytes each), zero-padded to 32 bits.
    public init(oneByte elements: [Element]) throws {
        var out: [UInt8] = []
        for element in elements {
            guard (1...14).contains(element.id) else {
                throw RTPError.valueOutOfRange(field: "one-byte extension id", value: Int(element.id), max: 14)
            }
            guard (1...16).contains(element.data.count) else {
                throw RTPError.valueOutOfRange(field: "one-byte extension element length",
                                               value: element.data.count, max: 16)
            }
            out.append(element.id << 4 | UInt8(element.data.count - 1))
            out.append(contentsOf: element.data)
        }
        while out.count % 4 != 0 { out.append(0) }
        self.init(profile: Self.oneByteProfile, data: out)
    }

    /// Builds a two-byte-header extension (ids 1–255, 0–255 data bytes each), zero-padded to 32 bits.
    public init(twoByte elements: [Element], appBits: UInt8 = 0) throws {
        guard appBits <= 15 else {
            throw RTPError.valueOutOfRange(field: "two-byte extension appbits", value: Int(appBits), max: 15)
        }
        var out: [UInt8] = []
        for element in elements {
            guard element.id >= 1 else {
                throw RTPError.valueOutOfRange(field: "two-byte extension id", value: 0, max: 255)
            }
            guard element.data.count <= 255 else {
                throw RTPError.valueOutOfRange(field: "two-byte extension element length",
                                               value: element.data.count, max: 255)
            }
            out.append(element.id)
            out.append(UInt8(element.data.count))
            out.append(contentsOf: element.data)
        }
        while out.count % 4 != 0 { out.append(0) }
        self.init(profile: Self.twoByteProfile | UInt16(appBits), data: out)
    }

    /// The RFC 8285 elements. Offsets in errors are relative to the start of the extension data.
    /// Throws when the profile is neither one-byte nor two-byte, or an element runs past the data.
    public func elements() throws -> [Element] {
        var result: [Element] = []
        try forEachElement(data, from: 0, to: data.count, profile: profile) { id, range in
            result.append(Element(id: id, data: Array(data[range])))
            return true
        }
        return result
    }

    /// The data of the first element with `id`, or nil.
    public func element(id: UInt8) throws -> [UInt8]? {
        try elements().first { $0.id == id }?.data
    }
}

/// Walks RFC 8285 elements in `bytes[from..<to]` without allocating; `body` returns false to stop.
func forEachElement(_ bytes: [UInt8], from: Int, to: Int, profile: UInt16,
                    _ body: (UInt8, Range<Int>) throws -> Bool) throws {
    let oneByte = profile == RTPHeaderExtension.oneByteProfile
    guard oneByte || profile & 0xFFF0 == RTPHeaderExtension.twoByteProfile else {
        throw RTPError.badExtensionElement(
            offset: 0, reason: "profile 0x\(String(profile, radix: 16)) is neither one-byte (0xbede) nor two-byte (0x100x)")
    }
    var i = from
    while i < to {
        let first = bytes[i]
        if oneByte {
            if first == 0 { i += 1; continue }  // padding byte
            let id = first >> 4
            if id == 15 { return }  // reserved: stop processing
            let length = Int(first & 0x0F) + 1
            guard i + 1 + length <= to else {
                throw RTPError.badExtensionElement(
                    offset: i - from, reason: "id \(id) needs \(length) data bytes, \(to - i - 1) remain")
            }
            if try !body(id, (i + 1)..<(i + 1 + length)) { return }
            i += 1 + length
        } else {
            if first == 0 { i += 1; continue }  // padding byte
            guard i + 1 < to else {
                throw RTPError.badExtensionElement(offset: i - from, reason: "id \(first) has no length byte")
            }
            let length = Int(bytes[i + 1])
            guard i + 2 + length <= to else {
                throw RTPError.badExtensionElement(
                    offset: i - from, reason: "id \(first) needs \(length) data bytes, \(to - i - 2) remain")
            }
            if try !body(first, (i + 2)..<(i + 2 + length)) { return }
            i += 2 + length
        }
    }
}
