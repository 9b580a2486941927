import Flow
import Store

/// A funnel drawn on its flow: each step notes how many calls reached it and how many ended there
/// (and how), each edge how many calls took it. Used by the console and `ivrd graph --stats`.
public enum FunnelOverlay {
    public static func make(_ funnel: FlowFunnel) -> FlowGraphOverlay {
        var notes: [String: String] = [:]
        for s in funnel.steps {
            var note = "reached \(s.reached) · ended \(s.ended)"
            if !s.endedBy.isEmpty { note += " (" + endedBy(s.endedBy) + ")" }
            notes[s.step] = note
        }
        var edges: [FlowGraphOverlay.Edge: Int] = [:]
        for e in funnel.edges { edges[FlowGraphOverlay.Edge(from: e.from, to: e.to)] = e.calls }
        return FlowGraphOverlay(stepNotes: notes, edgeCounts: edges)
    }

    /// "caller_hung_up 2, completed 1": most first (also for the ways calls left a step).
    public static func endedBy(_ counts: [String: Int]) -> String {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
