@testable import Flow
import Testing

/// Scenario: the caller answers "no" (or presses 2) to "Did you say sales?": the attempt counts as
/// invalid, the menu re-prompts and listens for its own words again; a confident word then wins.
@Suite struct EngineConfirmNoTests {
    @Test func noRepromptsAndTheMenuListensForItsWordsAgain() throws {
        var d = Driver(try ConfirmFlows.menu())
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 2)
        d.send(.keyword("sales", confidence: 0.6), at: 3)
        d.send(.promptFinished, at: 5)
        let out = d.send(.keyword("no", confidence: 0.9), at: 6)
        #expect(out == [.stopListening, .play(prompts: ["wrong", "choose"], bargeIn: true), ConfirmFlows.menuListen])
        #expect(d.engine.path.count == 1)
        // A confident word after the re-prompt is taken at once.
        let chosen = d.send(.keyword("support", confidence: 0.95), at: 7)
        #expect(chosen.contains(.hangup(.other("support"))))
        #expect(d.engine.path.first?.exit == .keyword("support"))
    }

    @Test func keyTwoSaysNoAndOtherKeysDoNotAnswer() throws {
        var d = Driver(try ConfirmFlows.menu())
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 2)
        d.send(.keyword("sales", confidence: 0.6), at: 3)
        d.send(.promptFinished, at: 5)
        #expect(d.send(.digit("7"), at: 6) == [])
        // A yes too doubtful to act on does not answer either.
        #expect(d.send(.keyword("yes", confidence: 0.2), at: 6.5) == [])
        let out = d.send(.digit("2"), at: 7)
        #expect(out.contains(.play(prompts: ["wrong", "choose"], bargeIn: true)))
    }

    @Test func aNoUsesUpTheRetriesLikeAnyInvalidInput() throws {
        var d = Driver(try ConfirmFlows.menu(retries: 0))
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 2)
        d.send(.keyword("sales", confidence: 0.6), at: 3)
        let out = d.send(.digit("2"), at: 4)
        #expect(out.contains(.hangup(.other("no_choice"))))
        #expect(d.engine.path.first?.exit == .failure("invalid input"))
    }
}
