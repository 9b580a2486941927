import Foundation
import Yams

/// Reads flow files into `Flow`s and reports every problem as a `Diagnostic`.
public enum FlowLoader {
    static let topKeys = ["name", "numbers", "start", "steps", "followup", "redact", "language", "description", "vars",
                          "on_drain", "http_allow", "languages"]

    /// Loads and validates one flow file. The flow is nil when there is any error; warnings alone keep it.
    public static func load(path: String, promptsDirectory: String) -> (flow: Flow?, diagnostics: [Diagnostic]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            return (nil, [Diagnostic(severity: .error, file: path, line: 1, message: "cannot read the file")])
        }
        return load(bytes: [UInt8](data), path: path, promptsDirectory: promptsDirectory)
    }

    /// Loads a flow from bytes already read; `path` is used in diagnostics.
    public static func load(bytes: [UInt8], path: String, promptsDirectory: String?) -> (flow: Flow?, diagnostics: [Diagnostic]) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return (nil, [Diagnostic(severity: .error, file: path, line: 1, message: "the file is not UTF-8 text")])
        }
        let node: Node
        do {
            guard let n = try Yams.compose(yaml: text) else {
                return (nil, [Diagnostic(severity: .error, file: path, line: 1, message: "the file is empty; expected a mapping with 'name', 'numbers', 'start' and 'steps'")])
            }
            node = n
        } catch {
            return (nil, [syntaxDiagnostic(error, path: path, text: text)])
        }
        let reader = NodeReader(file: path)
        let flow = build(node, reader: reader, hash: SHA256.hex(bytes))
        if let flow {
            FlowValidator(flow: flow, reader: reader, promptsDirectory: promptsDirectory).run()
        }
        // By line, errors before warnings, otherwise in the order found (the sort key includes it: stable).
        let diagnostics = reader.diagnostics.enumerated().sorted {
            ($0.element.line, $0.element.severity == .error ? 0 : 1, $0.offset) < ($1.element.line, $1.element.severity == .error ? 0 : 1, $1.offset)
        }.map(\.element)
        return (diagnostics.hasErrors ? nil : flow, diagnostics)
    }

    /// Loads every `*.yaml` / `*.yml` in `dir` (sorted by file name) and also reports two flows
    /// claiming one number and two files using one flow name.
    public static func loadDirectory(_ dir: String, promptsDirectory: String) -> (flows: [Flow], diagnostics: [Diagnostic]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: dir)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            return ([], [Diagnostic(severity: .error, file: dir, line: 1, message: "cannot list the flows directory")])
        }
        var flows: [Flow] = []
        var diagnostics: [Diagnostic] = []
        var byNumber: [String: Flow] = [:]
        var byName: [String: Flow] = [:]
        for name in names {
            let path = (dir as NSString).appendingPathComponent(name)
            let (flow, d) = load(path: path, promptsDirectory: promptsDirectory)
            diagnostics += d
            guard let flow else { continue }
            var clash = false
            if let other = byName[flow.name] {
                diagnostics.append(Diagnostic(severity: .error, file: path, line: flow.lines.name,
                                              message: "flow name '\(flow.name)' is already used by \(other.file); expected each flow to have its own name"))
                clash = true
            }
            for (i, number) in flow.numbers.enumerated() {
                if let other = byNumber[number] {
                    diagnostics.append(Diagnostic(severity: .error, file: path, line: flow.lines.numbers[i],
                                                  message: "number '\(number)' is already claimed by flow '\(other.name)' (\(other.file)); expected each number in one flow only"))
                    clash = true
                }
            }
            if clash { continue }
            byName[flow.name] = flow
            for number in flow.numbers { byNumber[number] = flow }
            flows.append(flow)
        }
        // A flow asking for calls into a flow that is not here is refused like any flow with an error (the
        // check is against the flows read above, so one refusal does not cascade).
        var refused = Set<String>()
        for flow in flows {
            for (step, ref) in flow.calledFlows where byName[ref.name] == nil {
                refused.insert(flow.file)
                let hint = NodeReader.suggestion(ref.name, among: Array(byName.keys)).map { "; did you mean '\($0)'?" }
                    ?? "; expected one of: \(byName.keys.sorted().joined(separator: ", "))"
                diagnostics.append(Diagnostic(severity: .error, file: flow.file, line: ref.line, step: step,
                                              message: "calls flow '\(ref.name)', which is not in \(dir)\(hint)"))
            }
        }
        flows.removeAll { refused.contains($0.file) }
        return (flows, diagnostics)
    }

    static func syntaxDiagnostic(_ error: Error, path: String, text: String) -> Diagnostic {
        func diag(_ mark: Mark, _ message: String) -> Diagnostic {
            Diagnostic(severity: .error, file: path, line: mark.line, column: mark.column, message: "YAML syntax error: \(message)")
        }
        guard let y = error as? YamlError else {
            return Diagnostic(severity: .error, file: path, line: 1, message: "YAML syntax error: \(error)")
        }
        switch y {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let ctx = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return diag(mark, problem + ctx)
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? "?"
            let second = secondOccurrence(of: key, after: context.mark, in: text)
            var d = Diagnostic(severity: .error, file: path, line: second?.line ?? context.mark.line, column: second?.column ?? context.mark.column,
                               message: "duplicate key '\(key)' (first at line \(context.mark.line)); expected each key once in a mapping")
            if let (step, isStepLine) = enclosingStep(line: d.line, in: text) {
                d.column = nil
                if isStepLine {
                    d.message = "step name '\(key)' is used twice (first at line \(context.mark.line)); expected each step name once"
                } else {
                    d.step = step
                    d.message = "duplicate \(isMenuKey(key) ? "menu key" : "key") '\(key)' (first at line \(context.mark.line)); expected each key once"
                }
            }
            return d
        case let .reader(problem, _, _, _):
            return Diagnostic(severity: .error, file: path, line: 1, message: "YAML syntax error: \(problem)")
        default:
            return Diagnostic(severity: .error, file: path, line: 1, message: "YAML syntax error: \(y)")
        }
    }

    private static func isMenuKey(_ key: String) -> Bool {
        key.count == 1 && key.first.map { NodeReader.dtmfKeys.contains($0) } == true
    }

    /// The text's lines as the YAML parser counts them (its marks are 1-based lines of this): libyaml breaks
    /// lines at LF, CR, CR LF, NEL, LS and PS. A lone CR is a line of its own to the parser, so splitting at LF
    /// alone would put a mark past the last line.
    static func yamlLines(_ text: String) -> [Substring] {
        // Swift reads CR LF as one Character, so one test covers it and lone CR and LF.
        let breaks: Set<Character> = ["\n", "\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}"]
        return text.split(omittingEmptySubsequences: false, whereSeparator: { breaks.contains($0) })
    }

    /// Where a duplicated key is written the second time: the next line after the first at the same column.
    private static func secondOccurrence(of key: String, after mark: Mark, in text: String) -> (line: Int, column: Int)? {
        let lines = yamlLines(text)
        let forms = [key, "\"\(key)\"", "'\(key)'"]
        guard mark.line < lines.count else { return nil }
        for i in mark.line..<lines.count {
            let l = lines[i]
            let indent = l.prefix { $0 == " " }.count
            let rest = l.dropFirst(indent)
            if indent + 1 == mark.column, forms.contains(where: { rest.hasPrefix($0 + ":") }) { return (i + 1, indent + 1) }
            for form in forms {
                if let r = l.range(of: "{ \(form):") ?? l.range(of: ", \(form):") ?? l.range(of: "{\(form):") {
                    return (i + 1, l.distance(from: l.startIndex, to: r.lowerBound) + 2)
                }
            }
        }
        return nil
    }

    /// The step whose block holds `line`, found from the text (used when the YAML tree could not be built).
    /// Also says whether `line` itself is the step's name line.
    static func enclosingStep(line: Int, in text: String) -> (String, Bool)? {
        let lines = yamlLines(text).map(String.init)
        guard let stepsIndex = lines.firstIndex(where: { $0.hasPrefix("steps:") }), stepsIndex + 1 < line else { return nil }
        var stepIndent: Int?
        var current: String?
        var currentLine = 0
        for i in (stepsIndex + 1)..<min(line, lines.count) {
            let l = lines[i]
            let trimmed = l.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = l.prefix { $0 == " " }.count
            if indent == 0 { return nil }
            if stepIndent == nil { stepIndent = indent }
            if indent == stepIndent, let colon = trimmed.firstIndex(of: ":") {
                current = String(trimmed[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
                currentLine = i + 1
            }
        }
        return current.map { ($0, currentLine == line) }
    }
}
