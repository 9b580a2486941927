/// A `c=` line: `IN <IP4|IP6> <address>` (a multicast `/ttl` suffix stays part of `address`).
public struct Connection: Sendable, Hashable, CustomStringConvertible {
    public var addressType: String
    public var address: String

    public init(addressType: String, address: String) {
        self.addressType = addressType
        self.address = address
    }

    /// `IN IP4 <address>` or `IN IP6 <address>` chosen from the address's shape (a colon means IPv6).
    public init(address: String) {
        self.init(addressType: address.contains(":") ? "IP6" : "IP4", address: address)
    }

    init(parsing text: Substring) throws(FieldError) {
        let t = text.tokens
        let expected = "'IN IP4 <address>' or 'IN IP6 <address>'"
        let net = try Numbers.token(t, 0, expected: expected)
        guard net == "IN" else { throw FieldError(expected, found: net) }
        let type = try Numbers.token(t, 1, expected: "address type 'IP4' or 'IP6'")
        guard type == "IP4" || type == "IP6" else { throw FieldError("address type 'IP4' or 'IP6'", found: type) }
        addressType = String(type)
        address = String(try Numbers.token(t, 2, expected: "an address"))
        guard t.count == 3 else { throw FieldError("end of line after the address", found: t[3]) }
    }

    /// The text after `c=`.
    public var description: String { "IN \(addressType) \(address)" }
}

/// A `b=<type>:<kbps>` line.
public struct Bandwidth: Sendable, Hashable {
    public var type: String
    public var value: UInt64

    init(parsing text: Substring) throws(FieldError) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            throw FieldError("'<type>:<bandwidth>'", found: text)
        }
        type = String(text[..<colon])
        value = try Numbers.parse(text[text.index(after: colon)...].trimmingSpaces, expected: "a bandwidth number")
    }
}

/// A `t=<start> <stop>` line.
public struct Timing: Sendable, Hashable {
    public var start: UInt64
    public var stop: UInt64

    init(parsing text: Substring) throws(FieldError) {
        let t = text.tokens
        start = try Numbers.parse(try Numbers.token(t, 0, expected: "a start time"), expected: "a start time")
        stop = try Numbers.parse(try Numbers.token(t, 1, expected: "a stop time"), expected: "a stop time")
        guard t.count == 2 else { throw FieldError("end of line after the stop time", found: t[2]) }
    }
}
