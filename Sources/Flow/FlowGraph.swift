import Foundation

/// Draws a flow's steps and the edges between them (labelled with keys, keywords and conditions).
public enum FlowGraph {
    /// A Mermaid `flowchart TD`.
    public static func mermaid(_ flow: Flow) -> String {
        var out = ["flowchart TD"]
        let ids = nodeIDs(flow)
        out.append("    start((start)) --> \(ids[flow.start] ?? "missing")")
        for name in flow.stepNames {
            guard let step = flow.steps[name], let id = ids[name] else { continue }
            let label = escapeMermaid("\(name)\n\(summary(step))")
            switch step.kind {
            case .menu, .branch: out.append("    \(id){\"\(label)\"}")
            case .hangup: out.append("    \(id)([\"\(label)\"])")
            default: out.append("    \(id)[\"\(label)\"]")
            }
        }
        for name in flow.stepNames {
            guard let step = flow.steps[name], let from = ids[name] else { continue }
            for (target, label) in step.edges {
                let to = ids[target.name] ?? "missing"
                out.append(label.isEmpty ? "    \(from) --> \(to)" : "    \(from) -->|\"\(escapeMermaid(label))\"| \(to)")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// A Graphviz `digraph`.
    public static func dot(_ flow: Flow) -> String {
        var out = ["digraph \"\(escapeDot(flow.name))\" {", "    rankdir=TB;", "    node [fontname=\"Helvetica\"];",
                   "    \"__start\" [shape=circle, label=\"start\"];",
                   "    \"__start\" -> \"\(escapeDot(flow.start))\";"]
        for name in flow.stepNames {
            guard let step = flow.steps[name] else { continue }
            let shape: String
            switch step.kind {
            case .menu, .branch: shape = "diamond"
            case .hangup: shape = "doublecircle"
            default: shape = "box"
            }
            out.append("    \"\(escapeDot(name))\" [shape=\(shape), label=\"\(escapeDot(name))\\n\(escapeDot(summary(step)))\"];")
        }
        for name in flow.stepNames {
            guard let step = flow.steps[name] else { continue }
            for (target, label) in step.edges {
                let attr = label.isEmpty ? "" : " [label=\"\(escapeDot(label))\"]"
                out.append("    \"\(escapeDot(name))\" -> \"\(escapeDot(target.name))\"\(attr);")
            }
        }
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    static func nodeIDs(_ flow: Flow) -> [String: String] {
        var ids: [String: String] = [:]
        for (i, name) in flow.stepNames.enumerated() { ids[name] = "s\(i)" }
        return ids
    }

    /// One line saying what the step does.
    static func summary(_ step: Step) -> String {
        switch step.kind {
        case let .play(p):
            if let speech = p.speech { return "say \"\(speech.source)\"" }
            return "play " + p.prompts.map(\.name).joined(separator: ", ")
        case let .menu(m):
            let text = "menu " + m.prompts.map(\.name).joined(separator: ", ")
            return m.options.contains { !$0.keywords.isEmpty } ? text + "\n" + m.band.summary : text
        case let .gather(g): return "gather \(g.minDigits)-\(g.maxDigits) digits → \(g.into)"
        case let .set(s): return "set " + s.assignments.map(\.name).joined(separator: ", ")
        case .branch: return "branch"
        case let .http(h): return "http \(h.method)"
        case let .record(r): return "record" + (r.into.map { " → \($0)" } ?? "")
        case let .hours(h): return "hours \(h.zoneName)"
        case let .scheduleCall(s):
            return "schedule call → \(s.flow.name)\n" + (s.when.isDelay ? "in " : "at ") + s.when.template.source
        case .goto: return "goto"
        case let .hangup(reason): return "hangup \(reason)"
        }
    }

    static func escapeMermaid(_ s: String) -> String {
        s.replacingOccurrences(of: "\"", with: "#quot;").replacingOccurrences(of: "\n", with: "<br/>")
    }

    static func escapeDot(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
