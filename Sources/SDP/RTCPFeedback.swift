/// `a=rtcp-fb:<pt|*> <type> [<parameter>]`.
public struct RTCPFeedback: Sendable, Hashable {
    /// nil for the wildcard `*`.
    public var payloadType: UInt8?
    public var type: String
    public var parameter: String?

    init(parsing text: Substring) throws(FieldError) {
        let t = text.tokens
        let pt = try Numbers.token(t, 0, expected: "a payload type or '*'")
        payloadType = pt == "*" ? nil : try PayloadType.parse(pt)
        type = String(try Numbers.token(t, 1, expected: "a feedback type"))
        parameter = t.count > 2 ? t[2...].joined(separator: " ") : nil
    }
}
