import Wire

/// RTCP source description, packet type 202 (RFC 3550 6.5).
public struct RTCPSourceDescription: Equatable, Sendable {
    public static let packetType: UInt8 = 202

    /// SDES item types (RFC 3550 6.5.1–6.5.8).
    public struct ItemType: RawRepresentable, Equatable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let cname = ItemType(rawValue: 1)
        public static let name = ItemType(rawValue: 2)
        public static let email = ItemType(rawValue: 3)
        public static let phone = ItemType(rawValue: 4)
        public static let location = ItemType(rawValue: 5)
        public static let tool = ItemType(rawValue: 6)
        public static let note = ItemType(rawValue: 7)
        public static let priv = ItemType(rawValue: 8)
    }

    public struct Item: Equatable, Sendable {
        public var type: ItemType
        /// At most 255 bytes (UTF-8 text for all standard items).
        public var value: [UInt8]

        public init(type: ItemType, value: [UInt8]) {
            self.type = type
            self.value = value
        }

        public init(type: ItemType, text: String) {
            self.init(type: type, value: Array(text.utf8))
        }

        public var text: String { String(decoding: value, as: UTF8.self) }
    }

    public struct Chunk: Equatable, Sendable {
        public var ssrc: UInt32
        public var items: [Item]

        public init(ssrc: UInt32, items: [Item]) {
            self.ssrc = ssrc
            self.items = items
        }

        public var cname: String? { items.first { $0.type == .cname }?.text }
    }

    /// At most 31.
    public var chunks: [Chunk]

    public init(chunks: [Chunk]) { self.chunks = chunks }

    /// One chunk carrying only a CNAME.
    public init(ssrc: UInt32, cname: String) {
        self.init(chunks: [Chunk(ssrc: ssrc, items: [Item(type: .cname, text: cname)])])
    }

    static func parse(count: Int, _ r: inout RTPReader) throws -> RTCPSourceDescription {
        var chunks: [Chunk] = []
        let bodyStart = r.offset
        for index in 0..<count {
            let ssrc = try r.u32("SDES chunk \(index) SSRC")
            var items: [Item] = []
            while true {
                let type = try r.u8("SDES chunk \(index) item type")
                if type == 0 { break }
                let length = Int(try r.u8("SDES chunk \(index) item length"))
                items.append(Item(type: ItemType(rawValue: type), value: try r.take(length, "SDES chunk \(index) item")))
            }
            // Null terminator(s) pad the chunk to the next 32-bit boundary.
            let pad = (4 - (r.offset - bodyStart) % 4) % 4
            try r.need(pad, "SDES chunk \(index) padding")
            for i in r.offset..<(r.offset + pad) where r.bytes[i] != 0 {
                throw RTPError.badRTCPBody(packetType: packetType, offset: i,
                                           reason: "SDES chunk \(index) padding byte is \(r.bytes[i]), expected 0")
            }
            r.offset += pad
            chunks.append(Chunk(ssrc: ssrc, items: items))
        }
        guard r.remaining == 0 else {
            throw RTPError.badRTCPBody(packetType: packetType, offset: r.offset,
                                       reason: "\(r.remaining) bytes after \(count) SDES chunks, expected none")
        }
        return RTCPSourceDescription(chunks: chunks)
    }

    func writeBody(to w: inout ByteWriter) throws -> UInt8 {
        guard chunks.count <= 31 else {
            throw RTPError.valueOutOfRange(field: "SDES chunk count", value: chunks.count, max: 31)
        }
        let start = w.count
        for chunk in chunks {
            w.write(chunk.ssrc)
            for item in chunk.items {
                guard item.value.count <= 255 else {
                    throw RTPError.valueOutOfRange(field: "SDES item length", value: item.value.count, max: 255)
                }
                guard item.type.rawValue != 0 else {
                    throw RTPError.valueOutOfRange(field: "SDES item type (0 is END)", value: 0, max: 255)
                }
                w.write(item.type.rawValue)
                w.write(UInt8(item.value.count))
                w.write(bytes: item.value)
            }
            w.write(UInt8(0))  // END
            while (w.count - start) % 4 != 0 { w.write(UInt8(0)) }
        }
        return UInt8(chunks.count)
    }
}
