/// `a=fmtp:<pt> <parameters>`: the parameters in order, and the raw text after the payload type.
///
/// `minptime=10;useinbandfec=1` gives `[minptime=10, useinbandfec=1]`; a bare token such as the
/// telephone-event range `0-15` is a parameter with no value.
public struct FormatParameters: Sendable, Hashable {
    /// One `name=value` pair (or a bare `name`).
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String?

        public init(_ name: String, _ value: String?) {
            self.name = name
            self.value = value
        }
    }

    public var payloadType: UInt8
    public var parameters: [Parameter]
    /// The text after the payload type exactly as offered (leading spaces removed); echo this in an answer.
    public var raw: String

    public init(payloadType: UInt8, raw: String) {
        self.payloadType = payloadType
        self.raw = raw
        self.parameters = Self.split(raw[...])
    }

    init(parsing text: Substring) throws(FieldError) {
        let start = text.drop(while: { $0 == " " || $0 == "\t" })
        let ptText = start.prefix(while: { $0 != " " && $0 != "\t" })
        payloadType = try PayloadType.parse(ptText)
        let rest = start.dropFirst(ptText.count).drop(while: { $0 == " " || $0 == "\t" })
        guard !rest.isEmpty else { throw FieldError("format parameters after the payload type", found: "") }
        raw = String(rest)
        parameters = Self.split(rest)
    }

    /// The value of the first parameter with this name (compared without regard to case).
    public func value(_ name: String) -> String? {
        let wanted = name.lowercased()
        return parameters.first { $0.name.lowercased() == wanted }?.value
    }

    private static func split(_ text: Substring) -> [Parameter] {
        text.split(separator: ";").compactMap { piece in
            let item = piece.trimmingSpaces
            guard !item.isEmpty else { return nil }
            guard let eq = item.firstIndex(of: "=") else { return Parameter(String(item), nil) }
            return Parameter(String(item[..<eq].trimmingSpaces), String(item[item.index(after: eq)...].trimmingSpaces))
        }
    }
}
