/// Errors of the Flow module outside file diagnostics: expressions, templates, durations, simulator input.
public enum FlowError: Error, Equatable, CustomStringConvertible {
    /// An expression failed to parse: `column` is 1-based within `text`.
    case expression(text: String, column: Int, expected: String, found: String)
    /// A path names something that does not exist (`vars.x.y`, `foo.bar`).
    case unknownName(text: String, name: String, expected: String)
    /// A template has a `{{` without its `}}`.
    case unclosedTemplate(text: String, column: Int)
    /// A template hole names a filter that does not exist (`{{vars.x | shout}}`).
    case unknownFilter(text: String, name: String, expected: String)
    /// A duration is not a number followed by `ms`, `s` or `m`.
    case duration(text: String)
    /// A simulator input could not be read.
    case simulatorInput(text: String, expected: String)
    /// A fixture or flow file could not be read or decoded.
    case file(path: String, reason: String)
    /// A wall-clock moment (`simulate --at`) is not an ISO 8601 date and time with an offset.
    case moment(text: String, expected: String)

    public var description: String {
        switch self {
        case let .expression(text, column, expected, found):
            return "invalid expression '\(text)': expected \(expected) at column \(column), found \(found)"
        case let .unknownName(text, name, expected):
            return "invalid expression '\(text)': unknown name '\(name)'; expected \(expected)"
        case let .unclosedTemplate(text, column):
            return "invalid template '\(text)': '{{' at column \(column) has no closing '}}'"
        case let .unknownFilter(text, name, expected):
            return name.isEmpty ? "invalid template '\(text)': '|' needs a filter name after it; expected one of: \(expected)"
                : "invalid template '\(text)': unknown filter '\(name)'; expected one of: \(expected)"
        case let .duration(text):
            return "invalid duration '\(text)': expected a number with a unit, like 5s, 1500ms or 2m"
        case let .simulatorInput(text, expected):
            return "invalid simulator input '\(text)': expected \(expected)"
        case let .file(path, reason):
            return "\(path): \(reason)"
        case let .moment(text, expected):
            return "invalid date and time '\(text)': expected \(expected)"
        }
    }
}
