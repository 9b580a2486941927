/// A value of a flow variable or expression.
public enum FlowValue: Sendable, Equatable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([FlowValue])

    /// Text form used by templates: integers print without a fraction, null prints empty.
    public var description: String {
        switch self {
        case .null: return ""
        case let .bool(b): return b ? "true" : "false"
        case let .number(n): return Self.format(n)
        case let .string(s): return s
        case let .list(items): return "[" + items.map(\.quoted).joined(separator: ", ") + "]"
        }
    }

    /// Form used in transcripts and logs: strings in double quotes.
    public var quoted: String {
        switch self {
        case .null: return "null"
        case let .string(s): return "\"" + s + "\""
        default: return description
        }
    }

    var isTruthy: Bool {
        switch self {
        case .null: return false
        case let .bool(b): return b
        case let .number(n): return n != 0
        case let .string(s): return !s.isEmpty
        case let .list(items): return !items.isEmpty
        }
    }

    /// The value as a number when it is one or is a string that reads as one ("0042" → 42).
    var numeric: Double? {
        switch self {
        case let .number(n): return n
        case let .string(s): return s.isEmpty ? nil : Double(s)
        case let .bool(b): return b ? 1 : 0
        default: return nil
        }
    }

    static func format(_ n: Double) -> String {
        if n.isFinite, n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return String(n)
    }
}
