/// One problem found in a flow file, pointing at its file, line and (when known) step.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable {
        case error
        case warning
    }

    public var severity: Severity
    public var file: String
    public var line: Int
    /// Set for YAML syntax errors, which point at a character.
    public var column: Int?
    /// The step the problem is in, if it is in one.
    public var step: String?
    public var message: String

    public init(severity: Severity, file: String, line: Int, column: Int? = nil, step: String? = nil, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.step = step
        self.message = message
    }

    /// `file:line: step 'name': message`, `file:line: message` outside steps,
    /// `file:line:column: message` for YAML syntax errors. Warnings carry a `warning: ` prefix on the message.
    public var description: String {
        var text = "\(file):\(line):"
        if let column { text += "\(column):" }
        if let step { text += " step '\(step)':" }
        text += severity == .warning ? " warning: \(message)" : " \(message)"
        return text
    }
}

extension Array where Element == Diagnostic {
    /// True when any diagnostic is an error (warnings alone do not fail validation).
    public var hasErrors: Bool { contains { $0.severity == .error } }
}
