/// One line of an SDP document after `v=`, `o=`, `s=` (session level) or after `m=` (media level).
///
/// Lines are kept in document order with their text untouched, so a parsed document serialises back
/// byte for byte; typed accessors on `SessionDescription` and `MediaDescription` read them.
public enum SDPLine: Sendable, Hashable, CustomStringConvertible {
    /// `a=name` or `a=name:value` (the value is kept verbatim, leading spaces included).
    case attribute(SDPAttribute)
    /// Any other `<type>=<value>` line: `c=`, `b=`, `t=`, `i=`, or a type we do not know.
    case field(type: Character, value: String)

    /// The line as it appears in the document, without the line ending.
    public var description: String {
        switch self {
        case let .attribute(attribute): return "a=\(attribute)"
        case let .field(type, value): return "\(type)=\(value)"
        }
    }
}

/// An `a=` line: its name and, if it had a colon, everything after the colon.
public struct SDPAttribute: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// Splits the text after `a=` at the first colon.
    init(text: Substring) {
        if let colon = text.firstIndex(of: ":") {
            name = String(text[..<colon])
            value = String(text[text.index(after: colon)...])
        } else {
            name = String(text)
            value = nil
        }
    }

    /// `name` or `name:value`.
    public var description: String {
        guard let value else { return name }
        return "\(name):\(value)"
    }

    /// The value with surrounding whitespace removed ("" when there is none).
    var trimmedValue: Substring { (value ?? "").trimmingSpaces }
}

extension Array where Element == SDPLine {
    /// The attributes among these lines, in order.
    var attributes: [SDPAttribute] {
        compactMap { if case let .attribute(a) = $0 { return a } else { return nil } }
    }

    /// The attributes with this name (compared without regard to case or surrounding spaces), in order.
    func attributes(named name: String) -> [SDPAttribute] {
        let wanted = name.lowercased()
        return attributes.filter { $0.name.trimmingSpaces.lowercased() == wanted }
    }

    func hasAttribute(_ name: String) -> Bool { !attributes(named: name).isEmpty }

    /// The values of the non-attribute lines of this type.
    func fields(_ type: Character) -> [String] {
        compactMap { if case let .field(t, v) = $0, t == type { return v } else { return nil } }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        let s = Substring(self)
        guard let start = s.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let end = s.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return s[start...end]
    }

    /// Space-separated tokens (runs of spaces or tabs count as one separator).
    var tokens: [Substring] {
        Substring(self).split(whereSeparator: { $0 == " " || $0 == "\t" })
    }
}
