import Yams

extension FlowLoader {
    /// Builds the flow from the YAML tree; every mistake goes to `reader`. Nil when the tree is unusable.
    static func build(_ root: Node, reader: NodeReader, hash: String) -> Flow? {
        guard let top = reader.mapping(root, what: "the flow file", allowed: topKeys, required: ["name", "start", "steps"]) else {
            return nil
        }
        var lines = FlowLines()
        let name = top["name"].flatMap { reader.string($0, what: "'name'") } ?? ""
        lines.name = top.line("name")
        var numbers: [String] = []
        if let n = top["numbers"] {
            if case let .sequence(seq) = n {
                var seen: [String: Int] = [:]
                for item in seq {
                    guard let s = reader.string(item, what: "each entry of 'numbers' (a phone_number_id)", strict: true) else { continue }
                    if let first = seen[s] {
                        reader.error(item, "number '\(s)' is listed twice (first at line \(first))")
                        continue
                    }
                    seen[s] = NodeReader.line(item)
                    numbers.append(s)
                    lines.numbers.append(NodeReader.line(item))
                }
            } else {
                reader.error(n, "'numbers' must be a list of phone_number_id strings (may be empty: []), got \(NodeReader.describe(n))")
            }
        }
        let start = top["start"].flatMap { reader.string($0, what: "'start'") } ?? ""
        lines.start = top.line("start")
        let onDrain = top["on_drain"].flatMap { reader.string($0, what: "'on_drain' (a step name)") }
        lines.onDrain = top.line("on_drain")
        let language = top["language"].flatMap { reader.string($0, what: "'language'") }
        var languages: [String] = []
        if let n = top["languages"] {
            lines.languages = NodeReader.line(n)
            for (tag, item) in reader.stringList(n, what: "'languages'") ?? [] {
                if !Flow.isLanguageTag(tag) {
                    reader.error(item, "language '\(tag)' must be a tag of letters and digits joined by '-' (en-us, es); it names the folder Prompts/<tag>/")
                } else if languages.contains(tag) {
                    reader.error(item, "language '\(tag)' is listed twice")
                } else {
                    languages.append(tag)
                }
            }
        }
        let description = top["description"].flatMap { reader.string($0, what: "'description'") }
        var redact: [String] = []
        if let n = top["redact"] {
            for (s, item) in reader.stringList(n, what: "'redact'") ?? [] {
                redact.append(s)
                lines.redact.append(NodeReader.line(item))
            }
        }
        var vars: [String: FlowValue] = [:]
        if let n = top["vars"] {
            if case let .mapping(m) = n {
                for (k, v) in m {
                    guard let key = reader.identifier(k, what: "variable name in 'vars'"),
                          let t = reader.template(v, what: "initial value of '\(key)'") else { continue }
                    guard t.isConstant || t.parts.count == 1, case let .hole(.literal(value)) = t.parts.first ?? .text("") else {
                        if t.isConstant { vars[key] = .string(t.source) } else {
                            reader.error(v, "initial value of '\(key)' must be a constant; set computed values in a 'set' step")
                        }
                        continue
                    }
                    vars[key] = value
                }
            } else {
                reader.error(n, "'vars' must be a mapping of variable names to initial values, got \(NodeReader.describe(n))")
            }
        }
        var steps: [String: Step] = [:]
        var order: [String] = []
        if let n = top["steps"] {
            if case let .mapping(m) = n, !m.isEmpty {
                for (k, v) in m {
                    guard let stepName = reader.string(k, what: "step name") else { continue }
                    guard stepName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                        reader.error(k, "step name '\(stepName)' must use only letters, digits, '_' and '-'")
                        continue
                    }
                    order.append(stepName)
                    if let step = reader.parseStep(name: stepName, keyNode: k, node: v) { steps[stepName] = step }
                }
            } else {
                reader.error(n, "'steps' must be a mapping of step names to steps, got \(NodeReader.describe(n))")
            }
        }
        let followup = top["followup"].map { reader.parseFollowup($0) } ?? []
        var allow: [String] = []
        if let n = top["http_allow"] {
            for (s, item) in reader.stringList(n, what: "'http_allow'") ?? [] {
                guard HostPattern(s) != nil else {
                    reader.error(item, "'http_allow': '\(s)' is not a host name, '*.' followed by a domain, or an IP address")
                    continue
                }
                allow.append(s.lowercased())
            }
        }
        var flow = Flow(name: name, file: reader.file, numbers: numbers, start: start, language: language, description: description,
                    redact: redact, versionHash: hash, stepNames: order, steps: steps, followupRules: followup,
                    initialVariables: vars, lines: lines, onDrain: onDrain, languages: languages)
        flow.httpAllow = allow
        return flow
    }
}
