/// The `o=` line: `<username> <sess-id> <sess-version> IN <IP4|IP6> <unicast-address>`.
public struct Origin: Sendable, Hashable, CustomStringConvertible {
    public var username: String
    public var sessionID: UInt64
    public var sessionVersion: UInt64
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(username: String = "-", sessionID: UInt64, sessionVersion: UInt64,
                networkType: String = "IN", addressType: String = "IP4", address: String) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    init(parsing text: Substring) throws(FieldError) {
        let t = text.tokens
        username = String(try Numbers.token(t, 0, expected: "a username"))
        sessionID = try Numbers.parse(try Numbers.token(t, 1, expected: "a numeric session id"),
                                      expected: "a numeric session id")
        sessionVersion = try Numbers.parse(try Numbers.token(t, 2, expected: "a numeric session version"),
                                           expected: "a numeric session version")
        networkType = String(try Numbers.token(t, 3, expected: "network type 'IN'"))
        guard networkType == "IN" else { throw FieldError("network type 'IN'", found: networkType) }
        addressType = String(try Numbers.token(t, 4, expected: "address type 'IP4' or 'IP6'"))
        guard addressType == "IP4" || addressType == "IP6" else {
            throw FieldError("address type 'IP4' or 'IP6'", found: addressType)
        }
        address = String(try Numbers.token(t, 5, expected: "an address"))
        guard t.count == 6 else { throw FieldError("end of line after the address", found: t[6]) }
    }

    /// The text after `o=`.
    public var description: String {
        "\(username) \(sessionID) \(sessionVersion) \(networkType) \(addressType) \(address)"
    }
}
