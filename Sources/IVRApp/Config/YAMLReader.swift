import Flow
import Yams

/// Typed access to a composed YAML tree with errors that carry the file and line of the offending node.
struct YAMLReader {
    let source: String

    func error(_ node: Node?, _ message: String) -> ConfigError {
        ConfigError(source: source, line: node?.mark?.line, message: message)
    }

    /// A mapping whose keys must come from `keys`; an unknown key is an error with a suggestion.
    func mapping(_ node: Node, path: String, keys: [String]) throws -> [String: Node] {
        // A section with every key commented out is an empty section.
        if case let .scalar(sc) = node, sc.style == .plain, ["", "~", "null"].contains(sc.string) { return [:] }
        guard case let .mapping(m) = node else {
            throw error(node, "\(path.isEmpty ? "top level" : path): expected a mapping of keys to values")
        }
        var out: [String: Node] = [:]
        for (k, v) in m {
            guard let key = k.string else { throw error(k, "\(path): keys must be strings") }
            guard keys.contains(key) else {
                let here = path.isEmpty ? "at top level" : "in '\(path)'"
                var message = "unknown key '\(key)' \(here)"
                if let s = Suggestion.closest(to: key, among: keys) { message += " (did you mean '\(s)'?)" }
                message += "; expected one of: \(keys.joined(separator: ", "))"
                throw error(k, message)
            }
            out[key] = v
        }
        return out
    }

    func string(_ node: Node?, _ path: String) throws -> String? {
        guard let node else { return nil }
        guard case let .scalar(s) = node else { throw error(node, "\(path): expected a string") }
        if s.tag == .implicit, s.string == "~" || s.string == "null" || s.string.isEmpty, s.style == .plain { return nil }
        return s.string
    }

    func int(_ node: Node?, _ path: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = try string(node, path) else { return nil }
        guard let v = Int(text) else { throw error(node, "\(path): expected an integer, found '\(text)'") }
        guard range.contains(v) else {
            throw error(node, "\(path): \(v) is outside \(range.lowerBound)…\(range.upperBound)")
        }
        return v
    }

    func double(_ node: Node?, _ path: String, _ range: ClosedRange<Double>) throws -> Double? {
        guard let text = try string(node, path) else { return nil }
        guard let v = Double(text) else { throw error(node, "\(path): expected a number, found '\(text)'") }
        guard range.contains(v) else {
            throw error(node, "\(path): \(v) is outside \(range.lowerBound)…\(range.upperBound)")
        }
        return v
    }
}
