import FuzzSupport
import Flow

/// Flow files: YAML (libyaml through Yams), the step parser, the validator, and the graph renderers.
///
/// Input: the file's bytes. Invariants: a flow comes back only without errors; every diagnostic names the
/// file and a line ≥ 1 and has a message; a loaded flow renders as Mermaid and DOT.
enum FlowFuzz {
    static func run(_ bytes: [UInt8]) {
        let (flow, diagnostics) = FlowLoader.load(bytes: bytes, path: "fuzz.yaml", promptsDirectory: nil)
        for d in diagnostics {
            require(d.file == "fuzz.yaml", "diagnostic names file '\(d.file)'")
            require(d.line >= 1, "diagnostic at line \(d.line): \(d)")
            require(!d.message.isEmpty, "diagnostic without a message at line \(d.line)")
        }
        let errors = diagnostics.filter { $0.severity == .error }
        require(flow == nil || errors.isEmpty, "a flow was returned with \(errors.count) errors")
        require(flow != nil || !errors.isEmpty, "no flow and no error")
        if let flow {
            require(!FlowGraph.mermaid(flow).isEmpty && !FlowGraph.dot(flow).isEmpty, "empty graph for a valid flow")
        }
    }
}
