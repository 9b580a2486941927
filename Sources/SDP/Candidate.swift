import Wire

/// An ICE candidate from `a=candidate:` (RFC 8839 §5.1):
/// `<foundation> <component> <transport> <priority> <address> <port> typ <type> [raddr <a>] [rport <p>] *(<name> <value>)`.
///
/// The address stays a `String`: it may be IPv4, IPv6, or a hostname such as an mDNS `….local` name.
public struct Candidate: Sendable, Hashable, CustomStringConvertible {
    /// The candidate type after `typ`.
    public enum Kind: Sendable, Hashable, CustomStringConvertible {
        case host, srflx, prflx, relay
        /// A type this parser does not know (kept, never used for connectivity by us).
        case other(String)

        init(_ text: Substring) {
            switch text.lowercased() {
            case "host": self = .host
            case "srflx": self = .srflx
            case "prflx": self = .prflx
            case "relay": self = .relay
            default: self = .other(String(text))
            }
        }

        public var description: String {
            switch self {
            case .host: return "host"
            case .srflx: return "srflx"
            case .prflx: return "prflx"
            case .relay: return "relay"
            case let .other(name): return name
            }
        }
    }

    /// One extension pair after the fixed fields, e.g. `generation 0` or `network-id 2`.
    public struct Extension: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var foundation: String
    public var component: Int
    /// As written (`udp`, `UDP`, `tcp`); use `isUDP` to test.
    public var transport: String
    public var priority: UInt32
    public var address: String
    public var port: UInt16
    public var kind: Kind
    public var relatedAddress: String?
    public var relatedPort: UInt16?
    public var extensions: [Extension]

    public init(foundation: String, component: Int, transport: String = "udp", priority: UInt32,
                address: String, port: UInt16, kind: Kind, relatedAddress: String? = nil,
                relatedPort: UInt16? = nil, extensions: [Extension] = []) {
        self.foundation = foundation
        self.component = component
        self.transport = transport
        self.priority = priority
        self.address = address
        self.port = port
        self.kind = kind
        self.relatedAddress = relatedAddress
        self.relatedPort = relatedPort
        self.extensions = extensions
    }

    init(parsing text: Substring) throws(FieldError) {
        let t = text.tokens
        foundation = String(try Numbers.token(t, 0, expected: "a foundation"))
        let componentText = try Numbers.token(t, 1, expected: "a component id (1-256)")
        component = Int(try Numbers.parse(componentText, in: 1...256, expected: "a component id (1-256)") as UInt16)
        transport = String(try Numbers.token(t, 2, expected: "a transport such as 'udp'"))
        priority = try Numbers.parse(try Numbers.token(t, 3, expected: "a priority (0-4294967295)"),
                                     expected: "a priority (0-4294967295)")
        address = String(try Numbers.token(t, 4, expected: "an address"))
        port = try Numbers.parse(try Numbers.token(t, 5, expected: "a port number"), expected: "a port number")
        let typ = try Numbers.token(t, 6, expected: "'typ'")
        guard typ == "typ" else { throw FieldError("'typ'", found: typ) }
        kind = Kind(try Numbers.token(t, 7, expected: "a candidate type (host, srflx, prflx, relay)"))
        relatedAddress = nil
        relatedPort = nil
        extensions = []
        var i = 8
        while i < t.count {
            let name = t[i]
            let value = try Numbers.token(t, i + 1, expected: "a value after '\(name)'")
            switch name {
            case "raddr": relatedAddress = String(value)
            case "rport": relatedPort = try Numbers.parse(value, expected: "a port number after 'rport'")
            default: extensions.append(Extension(String(name), String(value)))
            }
            i += 2
        }
    }

    /// Whether the transport is UDP (without regard to case).
    public var isUDP: Bool { transport.lowercased() == "udp" }

    /// Whether the address is link-local (IPv4 169.254.0.0/16, IPv6 fe80::/10, with or without a
    /// `%zone`): reachable only on the peer's own link, never from a media server.
    public var isLinkLocal: Bool {
        let unzoned = address.split(separator: "%", maxSplits: 1).first.map(String.init) ?? address
        switch IPAddress(unzoned) {
        case let .v4(b)?: return b.count == 4 && b[0] == 169 && b[1] == 254
        case let .v6(b)?: return b.count == 16 && b[0] == 0xFE && b[1] & 0xC0 == 0x80
        case nil: return false
        }
    }

    /// The address as an IP address, or nil for a hostname (for example an mDNS `.local` name).
    public var ipAddress: IPAddress? { IPAddress(address) }

    /// Address and port when the address is a literal IP address.
    public var transportAddress: TransportAddress? { ipAddress.map { TransportAddress(ip: $0, port: port) } }

    /// The value of the first extension with this name, e.g. `generation` or `network-id`.
    public func extensionValue(_ name: String) -> String? {
        extensions.first { $0.name == name }?.value
    }

    /// RFC 8445 §5.1.2.1: 2^24·type preference + 2^8·local preference + (256 − component).
    /// Inputs are clamped to their ranges (0-126, 0-65535, 1-256).
    public static func priority(typePreference: Int, localPreference: Int, component: Int) -> UInt32 {
        let type = UInt32(min(max(typePreference, 0), 126))
        let local = UInt32(min(max(localPreference, 0), 65535))
        let comp = UInt32(256 - min(max(component, 1), 256))
        return (type << 24) + (local << 8) + comp
    }

    /// The text after `a=candidate:`.
    public var description: String {
        var s = "\(foundation) \(component) \(transport) \(priority) \(address) \(port) typ \(kind)"
        if let relatedAddress { s += " raddr \(relatedAddress)" }
        if let relatedPort { s += " rport \(relatedPort)" }
        for e in extensions { s += " \(e.name) \(e.value)" }
        return s
    }
}
