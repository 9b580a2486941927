@testable import Flow
import Testing

/// Scenario: a keyword heard with middling confidence is confirmed ("Did you say sales?") and the
/// caller says yes (or presses 1): the option is taken, and the path records the confirmation.
@Suite struct EngineConfirmYesTests {
    @Test func middleConfidenceAsksThenYesByVoiceTakesTheOption() throws {
        var d = Driver(try ConfirmFlows.menu())
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 2)
        let ask = d.send(.keyword("sales", confidence: 0.6), at: 3)
        #expect(ask == [.stopListening, ConfirmFlows.question("Did you say sales? Say yes or press 1."), ConfirmFlows.yesNoListen])
        // Nothing times out while the question plays.
        #expect(d.deadline == nil)
        d.send(.promptFinished, at: 5)
        #expect(d.deadline == 9)
        let out = d.send(.keyword("yes", confidence: 0.7), at: 6)
        #expect(out.contains(.setVariable(name: "choice", value: .string("1"))))
        #expect(out.contains(.hangup(.other("sales"))))
        #expect(d.engine.path.first?.exit == .confirmed("sales"))
        #expect(d.engine.path.first?.exit?.description == "said \"sales\", confirmed")
    }

    @Test func keyOneAnswersWhileTheQuestionPlaysAndTheOptionsOwnQuestionIsUsed() throws {
        var d = Driver(try ConfirmFlows.menu())
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 2)
        let ask = d.send(.keyword("support", confidence: 0.55), at: 3)
        #expect(ask.contains(ConfirmFlows.question("Do you need help with something you bought?")))
        let out = d.send(.digit("1"), at: 3.5)
        #expect(out.first == .stopPlayback)
        #expect(out.contains(.hangup(.other("support"))))
        #expect(d.engine.path.first?.exit == .confirmed("support"))
    }

    @Test func aKeywordDuringABargeInPromptCanBeConfirmed() throws {
        var d = Driver(try ConfirmFlows.menu())
        d.send(.started, at: 0)
        let ask = d.send(.keyword("buy", confidence: 0.6), at: 1)
        #expect(ask == [.stopPlayback, .stopListening, ConfirmFlows.question("Did you say sales? Say yes or press 1."),
                        ConfirmFlows.yesNoListen])
        // The menu prompt's late report changes nothing; the question's own end arms the timer.
        d.send(.promptFinished, at: 1.1)
        #expect(d.deadline == nil)
        d.send(.promptFinished, at: 3)
        #expect(d.deadline == 7)
        #expect(d.send(.digit("1"), at: 4).contains(.hangup(.other("sales"))))
    }
}
