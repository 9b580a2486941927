/// `a=group:<semantics> <mid> …` (RFC 5888), e.g. `BUNDLE audio`.
public struct MediaGroup: Sendable, Hashable {
    public var semantics: String
    public var mids: [String]

    init(parsing text: Substring) throws(FieldError) {
        let t = text.tokens
        semantics = String(try Numbers.token(t, 0, expected: "group semantics such as 'BUNDLE'"))
        mids = t.dropFirst().map(String.init)
    }
}
