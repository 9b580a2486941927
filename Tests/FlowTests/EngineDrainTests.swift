@testable import Flow
import Testing

/// The server drains: the flow jumps to its `on_drain` step once, a prompt cut short is still counted
/// when its late finish arrives, a flow without a drain step carries on, and `shutdown` ends it.
@Suite struct EngineDrainTests {
    static let yaml = """
    name: d
    on_drain: bye
    start: menu
    steps:
      menu:
        menu:
          prompt: main_menu
          options:
            "1": { goto: end }
          timeout: 60s
      bye:
        play: goodbye
        next: end
      end:
        hangup: completed
    """

    @Test func aDrainJumpsToTheDrainStepAndItsPromptPlaysToTheEnd() throws {
        var d = Driver(try mustLoad(Self.yaml))
        d.send(.started, at: 0)
        let out = d.send(.draining, at: 1)
        #expect(out == [.stopListening, .stopPlayback, .play(prompts: ["goodbye"], bargeIn: false)])
        // The cut menu prompt's finish is not the goodbye's.
        #expect(d.send(.promptFinished, at: 1.1) == [])
        let end = d.send(.promptFinished, at: 2)
        #expect(end.contains(.hangup(.completed)))
        #expect(d.engine.path.map(\.step) == ["menu", "bye", "end"])
        #expect(d.engine.path.first?.exit == .draining)
        #expect(d.send(.draining, at: 3) == [])  // once
    }

    @Test func withoutADrainStepTheFlowCarriesOn() throws {
        var d = Driver(try mustLoad(Self.yaml.replacingOccurrences(of: "on_drain: bye\n", with: "")))
        d.send(.started, at: 0)
        #expect(d.send(.draining, at: 1) == [])
        #expect(d.engine.currentStep == "menu")
    }

    @Test func shutdownEndsTheFlowWhereItIs() throws {
        var d = Driver(try mustLoad(Self.yaml))
        d.send(.started, at: 0)
        let out = d.send(.shutdown, at: 5)
        guard case let .finished(outcome)? = out.last else {
            Issue.record("expected the outcome, got \(out)")
            return
        }
        #expect(outcome.status == .shutdown)
        #expect(outcome.lastStep == "menu")
        #expect(!out.contains { if case .hangup = $0 { return true } else { return false } })
    }

    @Test func aDrainStepThatDoesNotExistIsReportedWithItsLine() {
        let (flow, diagnostics) = loadText(Self.yaml.replacingOccurrences(of: "on_drain: bye", with: "on_drain: gone"))
        #expect(flow == nil || diagnostics.contains { $0.severity == .error })
        #expect(diagnostics.map(\.description).contains("test.yaml:2: 'on_drain' refers to missing step 'gone'; expected one of the steps"),
                "\(diagnostics.map(\.description))")
    }

    @Test func theDrainStepIsNotUnreachable() {
        let (_, diagnostics) = loadText(Self.yaml)
        #expect(!diagnostics.contains { $0.description.contains("unreachable") }, "\(diagnostics)")
    }
}
