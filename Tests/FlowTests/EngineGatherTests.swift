@testable import Flow
import Testing

/// The timing rules of `gather`, driven with a manual clock. Prompts "finish" when the test says so.
@Suite struct EngineGatherTests {
    static func flow(bargeIn: Bool = true, maxDigits: Int = 5, extra: String = "") throws -> Flow {
        try mustLoad("""
        name: g
        start: ask
        steps:
          ask:
            gather:
              prompt: enter
              into: code
              min_digits: 3
              max_digits: \(maxDigits)
              finish_on_key: "#"
              first_digit_timeout: 5s
              inter_digit_timeout: 2s
              retries: 1
              no_input: silence
              invalid: wrong
              on_failure: fail
              barge_in: \(bargeIn)
        \(extra)
            next: ok
          ok:
            hangup: ok
          fail:
            hangup: failed_input
        """)
    }

    /// Starts the call and finishes the first prompt at t = 2.
    static func atCollecting(_ flow: Flow) -> Driver {
        var d = Driver(flow)
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 2)
        return d
    }

    @Test func promptThenListenWithBargeIn() throws {
        var d = Driver(try Self.flow())
        #expect(d.send(.started, at: 0) == [.play(prompts: ["enter"], bargeIn: true), .listen(digits: true, keywords: [], language: nil)])
        #expect(d.deadline == nil)   // no timer runs while the prompt plays
        #expect(d.send(.promptFinished, at: 2) == [])
        #expect(d.deadline == 7)     // first_digit_timeout counts from the end of the prompt
    }

    @Test func firstDigitTimeoutRepromptsWithTheNoInputPrompt() throws {
        var d = Self.atCollecting(try Self.flow())
        #expect(d.tick(at: 6.999) == [])
        #expect(d.tick(at: 7) == [.play(prompts: ["silence", "enter"], bargeIn: true)])
        #expect(d.deadline == nil)
        d.send(.promptFinished, at: 10)
        #expect(d.deadline == 15)
        // Second no-input: retries (1) are used up → on_failure.
        let out = d.tick(at: 15)
        #expect(out.contains(.hangup(.other("failed_input"))))
        #expect(d.engine.path.map(\.exit) == [.failure("no input"), .hangup("failed_input")])
    }

    @Test func interDigitTimeoutRestartsOnEveryDigitAndAcceptsEnoughDigits() throws {
        var d = Self.atCollecting(try Self.flow())
        d.send(.digit("1"), at: 3)
        #expect(d.deadline == 5)          // inter_digit_timeout replaces the first-digit timer
        d.send(.digit("2"), at: 4.5)
        #expect(d.deadline == 6.5)
        d.send(.digit("3"), at: 6)
        #expect(d.deadline == 8)
        let out = d.tick(at: 8)
        #expect(out.first == .setVariable(name: "code", value: .string("123")))
        #expect(d.engine.path.first?.exit == .digits("123"))
        #expect(d.engine.outcome?.reason == "ok")
    }

    @Test func interDigitTimeoutWithTooFewDigitsIsInvalid() throws {
        var d = Self.atCollecting(try Self.flow())
        d.send(.digit("1"), at: 3)
        d.send(.digit("2"), at: 4)
        #expect(d.tick(at: 6) == [.play(prompts: ["wrong", "enter"], bargeIn: true)])
    }

    @Test func finishKeyEndsAtOnceAndIsNotPartOfTheValue() throws {
        var d = Self.atCollecting(try Self.flow())
        for (i, k) in "123".enumerated() { d.send(.digit(k), at: 3 + Double(i) * 0.5) }
        let out = d.send(.digit("#"), at: 4.2)
        #expect(out.first == .setVariable(name: "code", value: .string("123")))
    }

    @Test func finishKeyWithTooFewDigitsIsInvalidAndAloneIsNoInput() throws {
        var d = Self.atCollecting(try Self.flow())
        d.send(.digit("1"), at: 3)
        #expect(d.send(.digit("#"), at: 3.5) == [.play(prompts: ["wrong", "enter"], bargeIn: true)])
        var e = Self.atCollecting(try Self.flow())
        #expect(e.send(.digit("#"), at: 3) == [.play(prompts: ["silence", "enter"], bargeIn: true)])
    }

    @Test func maxDigitsEndsWithoutWaiting() throws {
        var d = Self.atCollecting(try Self.flow())
        for (i, k) in "1234".enumerated() { d.send(.digit(k), at: 3 + Double(i)) }
        let out = d.send(.digit("5"), at: 7)
        #expect(out.first == .setVariable(name: "code", value: .string("12345")))
        #expect(d.engine.outcome?.endedAt == instant(7))
    }

    @Test func overallTimeoutEndsCollectionEvenWhileDigitsKeepComing() throws {
        var d = Self.atCollecting(try Self.flow(maxDigits: 20, extra: "      timeout: 6s"))
        #expect(d.deadline == 7)                       // first digit (5s) comes before overall (6s → 8)
        d.send(.digit("1"), at: 3)
        d.send(.digit("2"), at: 4.5)
        d.send(.digit("3"), at: 6)
        d.send(.digit("4"), at: 7.5)
        #expect(d.deadline == 8)                       // overall (2 + 6) is before inter-digit (9.5)
        let out = d.tick(at: 8)
        #expect(out.first == .setVariable(name: "code", value: .string("1234")))
    }

    @Test func bargeInDigitStopsThePromptAndCounts() throws {
        var d = Driver(try Self.flow())
        d.send(.started, at: 0)
        #expect(d.send(.digit("4"), at: 1) == [.stopPlayback])
        #expect(d.deadline == 3)                       // inter-digit timer after the first digit
        #expect(d.send(.promptFinished, at: 1.01) == []) // the stopped prompt's report changes nothing
        d.send(.digit("5"), at: 1.5)
        d.send(.digit("6"), at: 2)
        #expect(d.tick(at: 4).first == .setVariable(name: "code", value: .string("456")))
    }

    @Test func withoutBargeInDigitsDuringThePromptAreDiscarded() throws {
        var d = Driver(try Self.flow(bargeIn: false))
        #expect(d.send(.started, at: 0) == [.play(prompts: ["enter"], bargeIn: false)])
        #expect(d.send(.digit("9"), at: 1) == [])
        #expect(d.send(.promptFinished, at: 2) == [.listen(digits: true, keywords: [], language: nil)])
        for (i, k) in "123#".enumerated() { d.send(.digit(k), at: 3 + Double(i)) }
        #expect(d.engine.variables["code"] == .string("123"))
    }

    @Test func patternMismatchIsInvalid() throws {
        var d = Self.atCollecting(try Self.flow(extra: "      pattern: \"9[0-9]*\""))
        for (i, k) in "123#".enumerated() { d.send(.digit(k), at: 3 + Double(i) * 0.1) }
        #expect(d.actions.last == .play(prompts: ["wrong", "enter"], bargeIn: true))
        for (i, k) in "901#".enumerated() { d.send(.digit(k), at: 5 + Double(i) * 0.1) }
        #expect(d.engine.variables["code"] == .string("901"))
    }

    @Test func retriesExhaustedWithoutOnFailureEndsTheCallAsFailed() throws {
        let flow = try mustLoad("""
        name: g
        start: ask
        steps:
          ask:
            gather: { prompt: enter, into: code, retries: 0 }
            next: ok
          ok:
            hangup: ok
        """)
        var d = Self.atCollecting(flow)
        let out = d.tick(at: 7)
        #expect(out.contains(.hangup(.failed)))
        #expect(d.engine.outcome?.status == .failed)
        #expect(d.engine.outcome?.reason == "no input at step 'ask' after 1 attempts")
    }
}
