/// An address block, "10.0.0.0/8" or "2001:db8::/32"; a bare address is a block of one.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// Parses "a.b.c.d", "a.b.c.d/n" (0…32) or an IPv6 address with an optional "/n" (0…128). The host bits
    /// of the address are cleared ("10.1.2.3/8" is 10.0.0.0/8).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let ip = IPAddress(String(first)) else { return nil }
        let bits = ip.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let n = Int(digits), n <= bits else { return nil }
            length = n
        }
        self.prefixLength = length
        self.address = IPAddress(bytes: Self.masked(ip.bytes, length)) ?? ip
    }

    /// Whether `ip` is in the block. An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack socket
    /// reports for an IPv4 peer) is taken as its IPv4 address.
    public func contains(_ ip: IPAddress) -> Bool {
        let candidate = ip.unmapped
        guard candidate.isIPv6 == address.isIPv6 else { return false }
        return Self.masked(candidate.bytes, prefixLength) == address.bytes
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { i, b in
            let keep = min(8, max(0, length - i * 8))
            return keep == 8 ? b : b & UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
    }
}

extension IPAddress {
    /// The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d); otherwise the address itself.
    public var unmapped: IPAddress {
        guard case let .v6(b) = self, b.count == 16, b[0..<10].allSatisfy({ $0 == 0 }), b[10] == 0xFF, b[11] == 0xFF
        else { return self }
        return .v4(Array(b[12...]))
    }
}
