@testable import Flow
import Testing

/// Scenario: the caller does not answer "Did you say sales?": after the menu's timeout it counts as
/// no input, the menu prompt plays again, and the menu listens for its own words.
@Suite struct EngineConfirmTimeoutTests {
    @Test func anUnansweredQuestionIsNoInput() throws {
        var d = Driver(try ConfirmFlows.menu(bargeIn: false))
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 2)
        d.send(.keyword("sales", confidence: 0.7), at: 3)
        d.send(.promptFinished, at: 5)
        #expect(d.deadline == 9)
        #expect(d.tick(at: 8.9) == [])
        // Without barge-in the re-prompt plays unheard; listening resumes after it.
        #expect(d.tick(at: 9) == [.stopListening, .play(prompts: ["choose"], bargeIn: false)])
        #expect(d.send(.promptFinished, at: 11) == [ConfirmFlows.menuListen])
        #expect(d.deadline == 15)
        // The second unanswered attempt (retries: 1) goes to on_failure.
        let out = d.tick(at: 15)
        #expect(out.contains(.hangup(.other("no_choice"))))
        #expect(d.engine.path.first?.exit == .failure("no input"))
    }
}
