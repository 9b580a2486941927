/// Parses the expression language:
///
///     or      := and ("||" and)*
///     and     := unary ("&&" unary)*
///     unary   := "!" unary | compare
///     compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in") sum)?
///     sum     := sign (("+" | "-") sign)*
///     sign    := "-" sign | primary
///     primary := number | "string" | 'string' | true | false | null
///              | root "." field | "(" or ")" | "[" (or ("," or)*)? "]"
///
/// Roots: `vars` (any field), `call` (id, from, to, phone_number_id, caller_name, cta_payload) and,
/// in follow-up rules only, `outcome` (status, reason, last_step, steps).
struct ExpressionParser {
    private let text: String
    private let chars: [Character]
    private var pos = 0
    private let allowOutcome: Bool

    static func parse(_ text: String, allowOutcome: Bool = false) throws(FlowError) -> Expression {
        var p = ExpressionParser(text: text, allowOutcome: allowOutcome)
        p.skipSpace()
        if p.pos >= p.chars.count { throw .expression(text: text, column: 1, expected: "a value", found: "nothing") }
        let e = try p.parseOr()
        p.skipSpace()
        if p.pos < p.chars.count { throw p.failure(expected: "an operator or the end") }
        return e
    }

    private init(text: String, allowOutcome: Bool) {
        self.text = text
        self.chars = Array(text)
        self.allowOutcome = allowOutcome
    }

    private mutating func skipSpace() {
        while pos < chars.count, chars[pos] == " " || chars[pos] == "\t" || chars[pos] == "\n" { pos += 1 }
    }

    private func failure(expected: String) -> FlowError {
        let found = pos < chars.count ? "'\(chars[pos])'" : "the end"
        return .expression(text: text, column: pos + 1, expected: expected, found: found)
    }

    private mutating func take(_ token: String) -> Bool {
        skipSpace()
        let t = Array(token)
        guard pos + t.count <= chars.count, Array(chars[pos..<pos + t.count]) == t else { return false }
        if token.first?.isLetter == true, pos + t.count < chars.count,
           chars[pos + t.count].isLetter || chars[pos + t.count].isNumber || chars[pos + t.count] == "_" {
            return false
        }
        // "<" must not swallow "<=", "!" must not swallow "!=".
        if (token == "<" || token == ">" || token == "!" || token == "=") , pos + 1 < chars.count, chars[pos + 1] == "=" {
            return false
        }
        pos += t.count
        return true
    }

    private mutating func parseOr() throws(FlowError) -> Expression {
        var e = try parseAnd()
        while take("||") { e = .binary("||", e, try parseAnd()) }
        return e
    }

    private mutating func parseAnd() throws(FlowError) -> Expression {
        var e = try parseUnary()
        while take("&&") { e = .binary("&&", e, try parseUnary()) }
        return e
    }

    private mutating func parseUnary() throws(FlowError) -> Expression {
        if take("!") { return .not(try parseUnary()) }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(FlowError) -> Expression {
        let left = try parseSum()
        for op in ["==", "!=", "<=", ">=", "<", ">", "in"] where take(op) {
            let right = try parseSum()
            return .binary(op, left, right)
        }
        skipSpace()
        if pos < chars.count, chars[pos] == "=" {
            throw failure(expected: "'==' (a single '=' is not an operator)")
        }
        return left
    }

    private mutating func parseSum() throws(FlowError) -> Expression {
        var e = try parseSign()
        while true {
            if take("+") { e = .binary("+", e, try parseSign()) } else if take("-") { e = .binary("-", e, try parseSign()) } else { return e }
        }
    }

    private mutating func parseSign() throws(FlowError) -> Expression {
        if take("-") { return .negate(try parseSign()) }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(FlowError) -> Expression {
        skipSpace()
        guard pos < chars.count else { throw failure(expected: "a value") }
        let c = chars[pos]
        if c == "(" {
            pos += 1
            let e = try parseOr()
            guard take(")") else { throw failure(expected: "')'") }
            return e
        }
        if c == "[" {
            pos += 1
            var items: [Expression] = []
            if take("]") { return .list(items) }
            repeat { items.append(try parseOr()) } while take(",")
            guard take("]") else { throw failure(expected: "',' or ']'") }
            return .list(items)
        }
        if c == "\"" || c == "'" { return .literal(.string(try parseString(quote: c))) }
        if c.isNumber { return .literal(.number(parseNumber())) }
        if c.isLetter || c == "_" { return try parsePath() }
        throw failure(expected: "a value")
    }

    private mutating func parseString(quote: Character) throws(FlowError) -> String {
        let start = pos
        pos += 1
        var s = ""
        while pos < chars.count, chars[pos] != quote {
            if chars[pos] == "\\", pos + 1 < chars.count { pos += 1 }
            s.append(chars[pos])
            pos += 1
        }
        guard pos < chars.count else {
            throw .expression(text: text, column: start + 1, expected: "a closing \(quote) for the string", found: "the end")
        }
        pos += 1
        return s
    }

    private mutating func parseNumber() -> Double {
        var s = ""
        while pos < chars.count, chars[pos].isNumber || chars[pos] == "." {
            s.append(chars[pos])
            pos += 1
        }
        return Double(s) ?? 0
    }

    private mutating func word() -> String {
        var s = ""
        while pos < chars.count, chars[pos].isLetter || chars[pos].isNumber || chars[pos] == "_" {
            s.append(chars[pos])
            pos += 1
        }
        return s
    }

    private mutating func parsePath() throws(FlowError) -> Expression {
        let start = pos
        let root = word()
        switch root {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        case "null": return .literal(.null)
        default: break
        }
        let roots = allowOutcome ? "vars.NAME, call.FIELD or outcome.FIELD" : "vars.NAME or call.FIELD"
        guard root == "vars" || root == "call" || (root == "outcome" && allowOutcome) else {
            if root == "outcome" {
                throw .unknownName(text: text, name: root, expected: "vars.NAME or call.FIELD (outcome.* is only known in follow-up rules)")
            }
            throw .unknownName(text: text, name: root, expected: roots)
        }
        guard pos < chars.count, chars[pos] == "." else {
            throw .expression(text: text, column: pos + 1, expected: "'.' and a field after '\(root)'", found: pos < chars.count ? "'\(chars[pos])'" : "the end")
        }
        pos += 1
        let field = word()
        guard !field.isEmpty else { throw failure(expected: "a field name after '\(root).'") }
        if pos < chars.count, chars[pos] == "." {
            throw .unknownName(text: text, name: String(chars[start..<pos]) + ".…", expected: "one level: \(roots)")
        }
        if root == "call", !Expression.callFields.contains(field) {
            throw .unknownName(text: text, name: "call.\(field)", expected: "call." + Expression.callFields.joined(separator: ", call."))
        }
        if root == "outcome", !Expression.outcomeFields.contains(field) {
            throw .unknownName(text: text, name: "outcome.\(field)", expected: "outcome." + Expression.outcomeFields.joined(separator: ", outcome."))
        }
        return .path(root: root, field: field)
    }
}
