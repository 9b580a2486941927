@testable import Flow
import Testing

/// The timing and input rules of `menu`, with a manual clock.
@Suite struct EngineMenuTests {
    static func flow(bargeIn: Bool = true, onFailure: Bool = true) throws -> Flow {
        try mustLoad("""
        name: m
        language: en-us
        start: menu
        steps:
          menu:
            menu:
              prompt: choose
              options:
                "1": { say: [sales], goto: sales }
                "2": { goto: support }
              timeout: 4s
              retries: 2
              no_input: silence
              invalid: wrong
              barge_in: \(bargeIn)
              into: choice
        \(onFailure ? "      on_failure: fail" : "")
          sales:
            hangup: sales
          support:
            hangup: support
          fail:
            hangup: no_choice
        """)
    }

    static let listen = FlowAction.listen(digits: true, keywords: ["sales"], language: "en-us")

    @Test func timeoutCountsFromTheEndOfThePrompt() throws {
        var d = Driver(try Self.flow())
        #expect(d.send(.started, at: 0) == [.play(prompts: ["choose"], bargeIn: true), Self.listen])
        #expect(d.deadline == nil)
        d.send(.promptFinished, at: 3)
        #expect(d.deadline == 7)
        #expect(d.tick(at: 7) == [.play(prompts: ["silence", "choose"], bargeIn: true)])
    }

    @Test func invalidKeyRepromptsThenValidKeyChooses() throws {
        var d = Driver(try Self.flow())
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 3)
        #expect(d.send(.digit("9"), at: 4) == [.play(prompts: ["wrong", "choose"], bargeIn: true)])
        #expect(d.deadline == nil)
        d.send(.promptFinished, at: 8)
        let out = d.send(.digit("2"), at: 9)
        #expect(out == [.setVariable(name: "choice", value: .string("2")), .stopListening, .hangup(.other("support")),
                        .finished(try #require(d.engine.outcome))])
        #expect(d.engine.path.map(\.exit) == [.key("2"), .hangup("support")])
    }

    @Test func retriesCountNoInputAndInvalidTogetherThenOnFailure() throws {
        var d = Driver(try Self.flow())
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 3)
        d.send(.digit("7"), at: 4)       // failure 1 (invalid)
        d.send(.promptFinished, at: 6)
        d.tick(at: 10)                    // failure 2 (no input)
        d.send(.promptFinished, at: 12)
        let out = d.tick(at: 16)          // failure 3: retries (2) used up
        #expect(out.contains(.hangup(.other("no_choice"))))
        #expect(d.engine.path.first?.exit == .failure("no input"))
    }

    @Test func withoutOnFailureTheCallEndsAsFailed() throws {
        var d = Driver(try Self.flow(onFailure: false))
        d.send(.started, at: 0)
        for i in 0..<3 {
            d.send(.promptFinished, at: Double(i) * 10 + 1)
            d.tick(at: Double(i) * 10 + 5)
        }
        #expect(d.engine.outcome?.status == .failed)
        #expect(d.engine.outcome?.reason == "no input at step 'menu' after 3 attempts")
    }

    @Test func keywordBargesInAndLowConfidenceIsIgnored() throws {
        var d = Driver(try Self.flow())
        d.send(.started, at: 0)
        #expect(d.send(.keyword("sales", confidence: 0.2), at: 1) == [])
        let out = d.send(.keyword("Sales", confidence: 0.8), at: 1.5)
        #expect(out.first == .stopPlayback)
        #expect(out.contains(.hangup(.other("sales"))))
        #expect(d.engine.path.first?.exit == .keyword("sales"))
    }

    @Test func withoutBargeInInputDuringThePromptIsDiscardedAndListeningStartsAfterIt() throws {
        var d = Driver(try Self.flow(bargeIn: false))
        #expect(d.send(.started, at: 0) == [.play(prompts: ["choose"], bargeIn: false)])
        #expect(d.send(.digit("1"), at: 1) == [])
        #expect(d.send(.promptFinished, at: 3) == [Self.listen])
        #expect(d.deadline == 7)
        // A re-prompt without barge-in stops listening while it plays.
        #expect(d.send(.digit("5"), at: 4) == [.stopListening, .play(prompts: ["wrong", "choose"], bargeIn: false)])
        #expect(d.send(.digit("1"), at: 5) == [])
    }

    @Test func typeAheadDuringABargeInPlayStepIsUsedByTheMenu() throws {
        let flow = try mustLoad("""
        name: t
        start: hi
        steps:
          hi:
            play: { prompts: [welcome], barge_in: true }
            next: menu
          menu:
            menu:
              prompt: choose
              options:
                "1": { goto: end }
          end:
            hangup: done
        """)
        var d = Driver(flow)
        d.send(.started, at: 0)
        let out = d.send(.digit("1"), at: 0.5)
        #expect(out.first == .stopPlayback)
        #expect(!out.contains(.play(prompts: ["choose"], bargeIn: true)))   // the menu prompt is skipped
        #expect(d.engine.path.map(\.exit) == [.key("1"), .key("1"), .hangup("done")])
    }
}
