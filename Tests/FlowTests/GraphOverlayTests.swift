import Flow
import Testing

/// `FlowGraph.dot(_:overlay:)`: a call's path highlighted, a funnel's counts on steps and edges.
@Suite struct GraphOverlayTests {
    @Test func aPathIsHighlightedWithItsLastStep() throws {
        let flow = try loadExample("main")
        let text = FlowGraph.dot(flow, overlay: .path(["welcome", "menu", "sales", "goodbye", "end"]))
        #expect(text.contains(#"id="step-sales", class="step visited""#))
        #expect(text.contains(#"id="step-end", class="step visited last""#))
        #expect(text.contains(#"id="step-support", class="step"]"#))
        #expect(text.contains(#""__start" -> "welcome" [class="edge taken""#))
        #expect(text.contains(#""menu" -> "sales" [label="1 / \"sales\" / \"buy\"", class="edge taken""#))
        #expect(text.contains(#""menu" -> "support" [label="2 / \"support\" / \"help\"", class="edge"]"#))
    }

    @Test func funnelCountsGoOnStepsAndEdgesAndSharedEdgesAreDrawnOnce() throws {
        let flow = try loadExample("main")
        let overlay = FlowGraphOverlay(stepNotes: ["menu": "reached 6 · ended 2 (caller_hung_up 2)"],
                                       edgeCounts: [.init(from: "menu", to: "goodbye"): 1, .init(from: nil, to: "welcome"): 6])
        let text = FlowGraph.dot(flow, overlay: overlay)
        #expect(text.contains(#"label="menu\nmenu main_menu\nwords: take ≥ 0.8, ask \"did you say…?\" ≥ 0.5\nreached 6 · ended 2 (caller_hung_up 2)""#))
        #expect(text.contains(#""menu" -> "goodbye" [label="failure\n1 call", class="edge", penwidth=2];"#))
        #expect(text.contains(#""__start" -> "welcome" [label="6 calls", class="edge", penwidth=2];"#))
        // `again` reaches `goodbye` through `else`, `menu` through its case: each pair once.
        #expect(text.components(separatedBy: #""menu" -> "goodbye""#).count == 2)
    }

    @Test func namesAreEscapedForDot() throws {
        let flow = try mustLoad("""
        name: 'a"b'
        start: s
        steps:
          s:
            hangup: completed
        """)
        let text = FlowGraph.dot(flow, overlay: FlowGraphOverlay(stepNotes: ["s": #"x" -> "y"#]))
        #expect(text.hasPrefix(#"digraph "a\"b" {"#))
        #expect(text.contains(#"label="s\nhangup completed\nx\" -> \"y""#))
    }
}
