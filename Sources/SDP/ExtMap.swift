/// `a=extmap:<id>[/<direction>] <uri> [<extension attributes>]` (RFC 8285).
public struct ExtMap: Sendable, Hashable {
    public var id: Int
    public var direction: MediaDirection?
    public var uri: String
    public var extensionAttributes: String?

    /// The URI of the client-to-mixer audio level extension (RFC 6464).
    public static let audioLevelURI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

    public init(id: Int, direction: MediaDirection? = nil, uri: String, extensionAttributes: String? = nil) {
        self.id = id
        self.direction = direction
        self.uri = uri
        self.extensionAttributes = extensionAttributes
    }

    init(parsing text: Substring) throws(FieldError) {
        let t = text.tokens
        let head = try Numbers.token(t, 0, expected: "an extension id (1-255)")
        let parts = head.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        id = Int(try Numbers.parse(parts[0], in: 1...255, expected: "an extension id (1-255)") as UInt8)
        if parts.count == 2 {
            guard let d = MediaDirection(rawValue: String(parts[1])) else {
                throw FieldError("a direction (sendrecv, sendonly, recvonly, inactive)", found: parts[1])
            }
            direction = d
        } else {
            direction = nil
        }
        uri = String(try Numbers.token(t, 1, expected: "an extension URI"))
        extensionAttributes = t.count > 2 ? t[2...].joined(separator: " ") : nil
    }

    /// The text after `a=extmap:`.
    public var attributeValue: String {
        var s = "\(id)"
        if let direction { s += "/\(direction.rawValue)" }
        s += " \(uri)"
        if let extensionAttributes { s += " \(extensionAttributes)" }
        return s
    }
}
