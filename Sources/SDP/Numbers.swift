/// Strict decimal parsing for SDP fields: ASCII digits only, no sign, no spaces.
enum Numbers {
    static func parse<T: FixedWidthInteger & UnsignedInteger>(
        _ text: Substring, as _: T.Type = T.self, expected: String
    ) throws(FieldError) -> T {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = T(text) else {
            throw FieldError(expected, found: text)
        }
        return value
    }

    static func parse<T: FixedWidthInteger & UnsignedInteger>(
        _ text: Substring, in range: ClosedRange<T>, expected: String
    ) throws(FieldError) -> T {
        let value: T = try parse(text, expected: expected)
        guard range.contains(value) else { throw FieldError(expected, found: text) }
        return value
    }

    /// The token at `index`, or a `FieldError` naming what was expected there when the token is missing.
    static func token(_ tokens: [Substring], _ index: Int, expected: String) throws(FieldError) -> Substring {
        guard index < tokens.count else { throw FieldError(expected, found: "") }
        return tokens[index]
    }
}
