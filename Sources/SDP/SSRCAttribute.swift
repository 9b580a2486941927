/// `a=ssrc:<ssrc> <attribute>[:<value>]` (RFC 5576), e.g. `cname:abc` or `msid:stream track`.
public struct SSRCAttribute: Sendable, Hashable {
    public var ssrc: UInt32
    public var attribute: String
    public var value: String?

    init(parsing text: Substring) throws(FieldError) {
        let s = text.trimmingSpaces
        let idText = s.prefix(while: { $0 != " " && $0 != "\t" })
        ssrc = try Numbers.parse(idText, expected: "an SSRC (0-4294967295)")
        let rest = s.dropFirst(idText.count).trimmingSpaces
        guard !rest.isEmpty else { throw FieldError("a source attribute after the SSRC", found: "") }
        if let colon = rest.firstIndex(of: ":") {
            attribute = String(rest[..<colon])
            value = String(rest[rest.index(after: colon)...])
        } else {
            attribute = String(rest)
            value = nil
        }
    }
}
