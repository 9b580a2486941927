/// What to draw over a flow's graph: counts per step and per edge (a funnel), and a path to highlight
/// (one call's). Step and edge names are the flow's; counts for steps the flow no longer has are ignored.
public struct FlowGraphOverlay: Sendable, Equatable {
    /// An extra line under a step's summary (e.g. "reached 6 · ended 2 (caller_hung_up 2)").
    public var stepNotes: [String: String]
    /// Counts on edges, keyed by (from, to); `from` nil is the start edge.
    public var edgeCounts: [Edge: Int]
    /// Steps to highlight (a call's path).
    public var highlightedSteps: Set<String>
    /// Edges to highlight (the transitions of a call's path).
    public var highlightedEdges: Set<Edge>
    /// The step a call ended in (drawn in a second colour).
    public var lastStep: String?

    public struct Edge: Hashable, Sendable {
        public var from: String?
        public var to: String

        public init(from: String?, to: String) {
            self.from = from
            self.to = to
        }
    }

    public init(stepNotes: [String: String] = [:], edgeCounts: [Edge: Int] = [:],
                highlightedSteps: Set<String> = [], highlightedEdges: Set<Edge> = [], lastStep: String? = nil) {
        self.stepNotes = stepNotes
        self.edgeCounts = edgeCounts
        self.highlightedSteps = highlightedSteps
        self.highlightedEdges = highlightedEdges
        self.lastStep = lastStep
    }

    /// The overlay of one call's path: every step and transition it took, its last step marked.
    public static func path(_ steps: [String]) -> FlowGraphOverlay {
        var edges = Set<Edge>()
        var previous: String? = nil
        for step in steps {
            edges.insert(Edge(from: previous, to: step))
            previous = step
        }
        return FlowGraphOverlay(highlightedSteps: Set(steps), highlightedEdges: edges, lastStep: steps.last)
    }
}

extension FlowGraph {
    /// A Graphviz `digraph` with the overlay drawn on it. Nodes carry `id="step-<name>"` and a class
    /// (`step`, `step visited`, `step visited last`), edges `class="edge"` or `"edge taken"`, so a page
    /// (and a test) can find them in the SVG. Edges between the same two steps are drawn once, their
    /// labels joined, with the count of calls that went from one to the other.
    public static func dot(_ flow: Flow, overlay: FlowGraphOverlay) -> String {
        let accent = "#1a5fb4", last = "#a51d2d", muted = "#5e5c64"
        var out = ["digraph \"\(escapeDot(flow.name))\" {", "    rankdir=TB;",
                   "    bgcolor=\"transparent\";",
                   "    node [fontname=\"Helvetica\", fontsize=11, color=\"\(muted)\", fontcolor=\"#241f31\"];",
                   "    edge [fontname=\"Helvetica\", fontsize=10, color=\"\(muted)\", fontcolor=\"#241f31\"];",
                   "    \"__start\" [shape=circle, label=\"start\", id=\"step-__start\", class=\"step visited\"];"]
        for name in flow.stepNames {
            guard let step = flow.steps[name] else { continue }
            // A hang-up is a doubled box here: its counts make the label long, and a circle grows with it.
            let shape: String
            switch step.kind {
            case .menu, .branch: shape = "diamond"
            case .hangup: shape = "box, peripheries=2"
            default: shape = "box"
            }
            var label = "\(escapeDot(name))\\n\(escapeDot(summary(step)))"
            if let note = overlay.stepNotes[name] { label += "\\n\(escapeDot(note))" }
            var attrs = ["shape=\(shape)", "label=\"\(label)\"", "id=\"step-\(escapeDot(name))\""]
            if overlay.lastStep == name {
                attrs += ["class=\"step visited last\"", "style=\"bold,filled\"", "fillcolor=\"#f6d5d9\"",
                          "color=\"\(last)\"", "penwidth=3"]
            } else if overlay.highlightedSteps.contains(name) {
                attrs += ["class=\"step visited\"", "style=\"bold,filled\"", "fillcolor=\"#dbe8f9\"",
                          "color=\"\(accent)\"", "penwidth=3"]
            } else {
                attrs.append("class=\"step\"")
            }
            out.append("    \"\(escapeDot(name))\" [\(attrs.joined(separator: ", "))];")
        }
        var pairs: [FlowGraphOverlay.Edge] = [FlowGraphOverlay.Edge(from: nil, to: flow.start)]
        var labels: [FlowGraphOverlay.Edge: [String]] = [:]
        for name in flow.stepNames {
            guard let step = flow.steps[name] else { continue }
            for (target, label) in step.edges {
                let key = FlowGraphOverlay.Edge(from: name, to: target.name)
                if labels[key] == nil { pairs.append(key) }
                if !label.isEmpty { labels[key, default: []].append(label) }
                else if labels[key] == nil { labels[key] = [] }
            }
        }
        for key in pairs {
            var text = escapeDot((labels[key] ?? []).joined(separator: " | "))
            if let n = overlay.edgeCounts[key] { text += (text.isEmpty ? "" : "\\n") + "\(n) call\(n == 1 ? "" : "s")" }
            var attrs: [String] = []
            if !text.isEmpty { attrs.append("label=\"\(text)\"") }
            if overlay.highlightedEdges.contains(key) {
                attrs += ["class=\"edge taken\"", "color=\"\(accent)\"", "penwidth=3"]
            } else {
                attrs.append("class=\"edge\"")
                if let n = overlay.edgeCounts[key], n > 0 { attrs.append("penwidth=2") }
            }
            let from = key.from.map(escapeDot) ?? "__start"
            out.append("    \"\(from)\" -> \"\(escapeDot(key.to))\" [\(attrs.joined(separator: ", "))];")
        }
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }
}
