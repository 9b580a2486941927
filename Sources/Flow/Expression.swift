/// A parsed expression of the flow language. No function calls, no assignment, no loops:
/// evaluation only reads variables, so an expression cannot run code.
indirect enum Expression: Sendable, Equatable {
    case literal(FlowValue)
    case path(root: String, field: String)
    case list([Expression])
    case not(Expression)
    case negate(Expression)
    case binary(String, Expression, Expression)
    /// `value | filter` in a template hole: formats the value for speech in the call's language.
    case filter(TemplateFilter, Expression)

    /// The roots an expression may read and, for `call` and `outcome`, their fields.
    static let callFields = ["id", "from", "to", "phone_number_id", "caller_name", "cta_payload"]
    static let outcomeFields = ["status", "reason", "last_step", "steps"]

    func evaluate(_ context: EvaluationContext) -> FlowValue {
        switch self {
        case let .literal(v):
            return v
        case let .path(root, field):
            return context.lookup(root: root, field: field)
        case let .list(items):
            return .list(items.map { $0.evaluate(context) })
        case let .not(e):
            return .bool(!e.evaluate(context).isTruthy)
        case let .negate(e):
            return e.evaluate(context).numeric.map { .number(-$0) } ?? .null
        case let .binary(op, l, r):
            if op == "&&" { return .bool(l.evaluate(context).isTruthy && r.evaluate(context).isTruthy) }
            if op == "||" { return .bool(l.evaluate(context).isTruthy || r.evaluate(context).isTruthy) }
            return Self.apply(op, l.evaluate(context), r.evaluate(context))
        case let .filter(f, e):
            return f.apply(e.evaluate(context), language: context.language)
        }
    }

    static func apply(_ op: String, _ a: FlowValue, _ b: FlowValue) -> FlowValue {
        switch op {
        case "==": return .bool(equal(a, b))
        case "!=": return .bool(!equal(a, b))
        case "<", "<=", ">", ">=":
            let order: Int
            if let x = a.numeric, let y = b.numeric, !(isString(a) && isString(b)) {
                order = x < y ? -1 : (x > y ? 1 : 0)
            } else if case .null = a { return .bool(false) } else if case .null = b { return .bool(false) } else {
                let x = a.description, y = b.description
                order = x < y ? -1 : (x > y ? 1 : 0)
            }
            switch op {
            case "<": return .bool(order < 0)
            case "<=": return .bool(order <= 0)
            case ">": return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case "in":
            switch b {
            case let .list(items): return .bool(items.contains { equal(a, $0) })
            case let .string(s): return .bool(!a.description.isEmpty && s.contains(a.description))
            default: return .bool(false)
            }
        case "+":
            if case .string = a { return .string(a.description + b.description) }
            if case .string = b { return .string(a.description + b.description) }
            if let x = a.numeric, let y = b.numeric { return .number(x + y) }
            return .null
        case "-":
            if let x = a.numeric, let y = b.numeric { return .number(x - y) }
            return .null
        default:
            return .null
        }
    }

    /// Equality that lets gathered digits ("3", a string) equal the number 3.
    static func equal(_ a: FlowValue, _ b: FlowValue) -> Bool {
        if a == b { return true }
        switch (a, b) {
        case (.number, .string), (.string, .number):
            if let x = a.numeric, let y = b.numeric { return x == y }
            return false
        default:
            return false
        }
    }

    private static func isString(_ v: FlowValue) -> Bool {
        if case .string = v { return true }
        return false
    }

    /// Every `vars.x` this expression reads.
    var variablesRead: [String] {
        switch self {
        case .literal: return []
        case let .path(root, field): return root == "vars" ? [field] : []
        case let .list(items): return items.flatMap(\.variablesRead)
        case let .not(e), let .negate(e), let .filter(_, e): return e.variablesRead
        case let .binary(_, l, r): return l.variablesRead + r.variablesRead
        }
    }
}

/// What an expression can read while it is evaluated.
struct EvaluationContext {
    var variables: [String: FlowValue]
    var call: CallInfo
    var outcome: FlowOutcome?
    /// The call's language (`Flow.promptLanguage`), for template filters; nil = US English.
    var language: String? = nil

    func lookup(root: String, field: String) -> FlowValue {
        switch root {
        case "vars":
            return variables[field] ?? .null
        case "call":
            switch field {
            case "id": return .string(call.callID)
            case "from": return .string(call.from)
            case "to", "phone_number_id": return .string(call.phoneNumberID)
            case "caller_name": return call.callerName.map(FlowValue.string) ?? .null
            case "cta_payload": return call.ctaPayload.map(FlowValue.string) ?? .null
            default: return .null
            }
        case "outcome":
            guard let outcome else { return .null }
            switch field {
            case "status": return .string(outcome.status.rawValue)
            case "reason": return .string(outcome.reason)
            case "last_step": return outcome.lastStep.map(FlowValue.string) ?? .null
            case "steps": return .number(Double(outcome.path.count))
            default: return .null
            }
        default:
            return .null
        }
    }
}
