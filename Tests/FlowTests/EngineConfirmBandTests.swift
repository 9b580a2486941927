@testable import Flow
import Testing

/// Scenario: the band's edges in each mode. `auto` takes a word at `accept_above`, asks from
/// `confirm_above`, and counts anything lower as no match (re-prompt) — but a doubtful word does not
/// cut the prompt; `always` asks even for a sure word; `never` only takes words at `accept_above`.
@Suite struct EngineConfirmBandTests {
    static let band = "      confirm_above: 0.4\n      accept_above: 0.9"

    @Test func autoAtTheEdges() throws {
        var d = Driver(try ConfirmFlows.menu(band: "      confirm: auto\n" + Self.band, retries: 2))
        d.send(.started, at: 0)
        // A doubtful word during the prompt does not barge in.
        #expect(d.send(.keyword("sales", confidence: 0.39), at: 1) == [])
        d.send(.promptFinished, at: 2)
        // After the prompt it is no match: re-prompt.
        #expect(d.send(.keyword("sales", confidence: 0.39), at: 3) == [.play(prompts: ["wrong", "choose"], bargeIn: true)])
        d.send(.promptFinished, at: 5)
        // confirm_above itself asks.
        #expect(d.send(.keyword("sales", confidence: 0.4), at: 6).contains(ConfirmFlows.yesNoListen))
        d.send(.digit("2"), at: 7)
        d.send(.promptFinished, at: 9)
        // accept_above itself is taken. (retries: 2: the doubtful word and the "no" used two tries; this is the last.)
        #expect(d.send(.keyword("sales", confidence: 0.9), at: 10).contains(.hangup(.other("sales"))))
        #expect(d.engine.path.first?.exit == .keyword("sales"))
    }

    @Test func alwaysAsksEvenForASureWordButNeverForAKey() throws {
        var d = Driver(try ConfirmFlows.menu(band: "      confirm: always"))
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 2)
        #expect(d.send(.keyword("sales", confidence: 1), at: 3).contains(ConfirmFlows.yesNoListen))
        d.send(.digit("2"), at: 4)
        d.send(.promptFinished, at: 6)
        #expect(d.send(.digit("2"), at: 7).contains(.hangup(.other("support"))))
        #expect(d.engine.path.first?.exit == .key("2"))
    }

    @Test func neverTakesOnlyWordsAtAcceptAbove() throws {
        var d = Driver(try ConfirmFlows.menu(band: "      confirm: never\n      accept_above: 0.7"))
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 2)
        #expect(d.send(.keyword("support", confidence: 0.69), at: 3) == [.play(prompts: ["wrong", "choose"], bargeIn: true)])
        #expect(d.send(.keyword("support", confidence: 0.7), at: 4).contains(.hangup(.other("support"))))
    }

    @Test func theGraphShowsTheBand() throws {
        let flow = try ConfirmFlows.menu(band: "      confirm: auto\n" + Self.band)
        #expect(FlowGraph.mermaid(flow).contains("words: take ≥ 0.9, ask #quot;did you say…?#quot; ≥ 0.4"))
        #expect(FlowGraph.dot(try ConfirmFlows.menu(band: "      confirm: never")).contains("words: take ≥ 0.8, never ask"))
    }
}
