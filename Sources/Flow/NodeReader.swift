import Yams

/// Reads typed values out of a composed YAML tree, collecting a diagnostic for every mistake
/// (with the node's line and the step being read) instead of stopping at the first.
final class NodeReader {
    let file: String
    var step: String?
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    func error(_ node: Node?, _ message: String, line: Int? = nil) {
        report(.error, node, message, line: line)
    }

    func warning(_ node: Node?, _ message: String, line: Int? = nil) {
        report(.warning, node, message, line: line)
    }

    func report(_ severity: Diagnostic.Severity, _ node: Node?, _ message: String, line: Int? = nil) {
        diagnostics.append(Diagnostic(severity: severity, file: file, line: line ?? Self.line(node), step: step, message: message))
    }

    func add(_ d: Diagnostic) { diagnostics.append(d) }

    static func line(_ node: Node?) -> Int { node?.mark?.line ?? 1 }

    /// A mapping's entries in order, after checking every key is allowed and every required key is present.
    func mapping(_ node: Node, what: String, allowed: [String], required: [String] = []) -> Fields? {
        guard case let .mapping(m) = node else {
            error(node, "\(what) must be a mapping with keys \(allowed.joined(separator: ", ")), got \(Self.describe(node))")
            return nil
        }
        var fields = Fields(node: node)
        for (k, v) in m {
            guard let key = k.scalar?.string else {
                error(k, "\(what) keys must be plain words, got \(Self.describe(k))")
                continue
            }
            if !allowed.contains(key) {
                error(k, Self.unknownKey(key, in: what, allowed: allowed))
                continue
            }
            fields.pairs.append((key, k, v))
        }
        for key in required where fields[key] == nil {
            error(node, "\(what) is missing '\(key)'")
        }
        return fields
    }

    static func unknownKey(_ key: String, in what: String, allowed: [String]) -> String {
        if let s = suggestion(key, among: allowed) {
            return "unknown key '\(key)' in \(what); did you mean '\(s)'?"
        }
        return "unknown key '\(key)' in \(what); expected one of: \(allowed.joined(separator: ", "))"
    }

    /// The closest candidate within a small edit distance, for "did you mean" hints.
    static func suggestion(_ word: String, among candidates: [String]) -> String? {
        Suggestion.closest(to: word, among: candidates)
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case let .scalar(s):
            if node.null != nil, s.style == .plain { return "nothing (null)" }
            return "'\(s.string)'"
        }
    }

    private static func isPlainNull(_ node: Node) -> Bool {
        if case let .scalar(s) = node, s.style == .plain, node.null != nil { return true }
        return false
    }

    /// A non-empty string. Numbers written without quotes are accepted as text unless `strict`.
    func string(_ node: Node, what: String, strict: Bool = false) -> String? {
        guard case let .scalar(s) = node, !Self.isPlainNull(node) else {
            error(node, "\(what) must be a string, got \(Self.describe(node))")
            return nil
        }
        if s.style == .plain, node.bool != nil {
            error(node, "\(what) must be a string, got the boolean '\(s.string)' (put it in quotes)")
            return nil
        }
        if strict, s.style == .plain, Self.int(node) != nil || node.float != nil {
            error(node, "\(what) must be a string, got the number \(s.string) (put it in quotes)")
            return nil
        }
        if s.string.isEmpty {
            error(node, "\(what) must not be empty")
            return nil
        }
        return s.string
    }

    /// A name usable as a variable or id: letters, digits and `_`, starting with a letter or `_`.
    func identifier(_ node: Node, what: String) -> String? {
        guard let s = string(node, what: what) else { return nil }
        guard Self.isIdentifier(s) else {
            error(node, "\(what) '\(s)' must be a name of letters, digits and '_' that does not start with a digit")
            return nil
        }
        return s
    }

    /// Yams' `Node.int`, except for a long sexagesimal scalar (`1:30`-style, YAML 1.1), which Yams reads by
    /// multiplying without an overflow check: a flow with `352242922222222222222:2` in a string field trapped
    /// (found by the flow fuzzer). Such a scalar is not a number here. 18 characters cannot overflow `Int`.
    static func int(_ node: Node) -> Int? {
        if case let .scalar(s) = node, s.string.contains(":"), s.string.utf8.count > 18 { return nil }
        return node.int
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.first, f.isLetter || f == "_" else { return false }
        return s.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII }
    }

    func int(_ node: Node, what: String, range: ClosedRange<Int>) -> Int? {
        guard case let .scalar(s) = node, s.style == .plain, let v = Self.int(node), !s.string.contains(".") else {
            error(node, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(Self.describe(node))")
            return nil
        }
        guard range.contains(v) else {
            error(node, "\(what) must be from \(range.lowerBound) to \(range.upperBound), got \(v)")
            return nil
        }
        return v
    }

    /// A number in `range` (a whole number is read as one); NaN and infinities are refused.
    func number(_ node: Node, what: String, range: ClosedRange<Double>) -> Double? {
        let r = "\(FlowValue.format(range.lowerBound)) to \(FlowValue.format(range.upperBound))"
        guard case let .scalar(s) = node, s.style == .plain, let v = node.float ?? Self.int(node).map(Double.init), v.isFinite else {
            error(node, "\(what) must be a number from \(r), got \(Self.describe(node))")
            return nil
        }
        guard range.contains(v) else {
            error(node, "\(what) must be from \(r), got \(s.string)")
            return nil
        }
        return v
    }

    func bool(_ node: Node, what: String) -> Bool? {
        guard case let .scalar(s) = node, s.style == .plain, let v = node.bool else {
            error(node, "\(what) must be true or false, got \(Self.describe(node))")
            return nil
        }
        return v
    }

    func duration(_ node: Node, what: String, max: Duration = .seconds(3600)) -> Duration? {
        guard case let .scalar(s) = node, !Self.isPlainNull(node) else {
            error(node, "\(what) must be a duration like 5s or 1500ms, got \(Self.describe(node))")
            return nil
        }
        do {
            let d = try FlowDuration.parse(s.string)
            guard d > .zero, d <= max else {
                error(node, "\(what) must be more than 0s and at most \(FlowDuration.format(max)), got \(s.string)")
                return nil
            }
            return d
        } catch {
            self.error(node, "\(what) must be a duration like 5s or 1500ms, got '\(s.string)'")
            return nil
        }
    }

    /// One string or a list of strings.
    func stringList(_ node: Node, what: String) -> [(String, Node)]? {
        if case let .sequence(seq) = node {
            var out: [(String, Node)] = []
            for item in seq {
                if let s = string(item, what: "each entry of \(what)") { out.append((s, item)) }
            }
            return out
        }
        guard let s = string(node, what: "\(what) (a name or a list of names)") else { return nil }
        return [(s, node)]
    }

    func refs(_ node: Node, what: String) -> [Ref] {
        (stringList(node, what: what) ?? []).map { Ref(name: $0.0, line: Self.line($0.1)) }
    }

    func ref(_ node: Node, what: String) -> Ref? {
        string(node, what: what).map { Ref(name: $0, line: Self.line(node)) }
    }

    /// A single DTMF key (`0`–`9`, `*`, `#`, `A`–`D`), or nil for an explicit `none` / empty string.
    func key(_ node: Node, what: String) -> Character?? {
        guard case let .scalar(s) = node else {
            error(node, "\(what) must be one key: 0-9, *, # or A-D, got \(Self.describe(node))")
            return nil
        }
        if Self.isPlainNull(node) {
            error(node, "\(what) must be one key in quotes like \"#\" (an unquoted # starts a YAML comment), or none")
            return nil
        }
        if s.string == "none" || s.string.isEmpty { return .some(nil) }
        guard s.string.count == 1, let c = s.string.first, Self.dtmfKeys.contains(c) else {
            error(node, "\(what) must be one key: 0-9, *, # or A-D, got '\(s.string)'")
            return nil
        }
        return .some(c)
    }

    static let dtmfKeys: Set<Character> = Set("0123456789*#ABCD")
}

/// A mapping's checked entries, in file order.
struct Fields {
    var node: Node
    var pairs: [(key: String, keyNode: Node, value: Node)] = []

    subscript(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }

    func line(_ key: String) -> Int { NodeReader.line(pairs.first { $0.key == key }?.keyNode ?? node) }
}
