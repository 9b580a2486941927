import Foundation

/// A string with `{{ expression }}` holes. A template that is exactly one hole keeps the
/// expression's type (`"{{vars.tries + 1}}"` is a number); otherwise the holes are printed into the text.
struct Template: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case text(String)
        case hole(Expression)
    }

    var source: String
    var parts: [Part]

    static func parse(_ source: String, allowOutcome: Bool = false) throws(FlowError) -> Template {
        var parts: [Part] = []
        var rest = Substring(source)
        var offset = 0
        while let open = rest.range(of: "{{") {
            let before = rest[rest.startIndex..<open.lowerBound]
            if !before.isEmpty { parts.append(.text(String(before))) }
            let column = offset + before.count + 1
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                throw .unclosedTemplate(text: source, column: column)
            }
            let inner = String(afterOpen[afterOpen.startIndex..<close.lowerBound])
            parts.append(.hole(try parseHole(inner, template: source, allowOutcome: allowOutcome)))
            offset = column - 1 + 2 + inner.count + 2
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return Template(source: source, parts: parts)
    }

    /// `expression | filter | filter…`: a single `|` (not `||`) outside quotes starts a filter.
    private static func parseHole(_ inner: String, template: String, allowOutcome: Bool) throws(FlowError) -> Expression {
        let chars = Array(inner)
        var pieces: [String] = []
        var current = ""
        var quote: Character?
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\\", i + 1 < chars.count { current.append(c); i += 1; current.append(chars[i]) } else {
                    if c == q { quote = nil }
                    current.append(c)
                }
            } else if c == "\"" || c == "'" {
                quote = c
                current.append(c)
            } else if c == "|" {
                if i + 1 < chars.count, chars[i + 1] == "|" {
                    current += "||"
                    i += 1
                } else {
                    pieces.append(current)
                    current = ""
                }
            } else {
                current.append(c)
            }
            i += 1
        }
        pieces.append(current)
        var e = try ExpressionParser.parse(pieces[0], allowOutcome: allowOutcome)
        for piece in pieces.dropFirst() {
            let name = piece.trimmingCharacters(in: .whitespaces)
            guard let filter = TemplateFilter(rawValue: name) else {
                throw .unknownFilter(text: template, name: name, expected: TemplateFilter.names)
            }
            e = .filter(filter, e)
        }
        return e
    }

    var isConstant: Bool { !parts.contains { if case .hole = $0 { return true } else { return false } } }

    func value(_ context: EvaluationContext) -> FlowValue {
        if parts.count == 1, case let .hole(e) = parts[0] { return e.evaluate(context) }
        return .string(render(context))
    }

    func render(_ context: EvaluationContext) -> String {
        parts.map { part -> String in
            switch part {
            case let .text(t): return t
            case let .hole(e): return e.evaluate(context).description
            }
        }.joined()
    }
}
