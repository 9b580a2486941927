import Foundation
@testable import Flow
import Testing

/// Scenario: a `say:` play step fills in its template per call and asks for text-to-speech with its
/// voice and the prompt language; the media side reports its end like a prompt's.
@Suite struct EngineSayTests {
    static let yaml = """
        name: speak
        start: code
        vars: { code: "0042" }
        steps:
          code:
            play:
              say: "Your code is {{vars.code}}."
              voice: slt
              barge_in: true
            next: bye
          bye:
            play: { say: "Goodbye." }
            next: end
          end: { hangup: done }
        """

    @Test func sayFillsInTheTextAndWaitsForItsEnd() throws {
        var d = Driver(try mustLoad(Self.yaml))
        let first = d.send(.started, at: 0)
        #expect(first.first == .say(text: "Your code is 0042.", voice: "slt", language: "en-us", bargeIn: true))
        #expect(first.contains(.listen(digits: true, keywords: [], language: nil)))
        let second = d.send(.promptFinished, at: 3)
        #expect(second.contains(.say(text: "Goodbye.", voice: "rms", language: "en-us", bargeIn: false)))
        d.send(.promptFinished, at: 4)
        #expect(d.engine.outcome?.reason == "done")
    }

    @Test func unknownVoicesAndBothPromptsAndSayAreErrors() {
        let (_, diagnostics) = loadText("""
            name: x
            start: a
            steps:
              a:
                play: { say: "Hi.", voice: bob }
                next: b
              b:
                play: { say: "Hi.", prompts: [hello] }
                next: c
              c: { hangup: done }
            """)
        #expect(diagnostics.map(\.description) == [
            "test.yaml:5: step 'a': unknown voice 'bob'; expected one of: rms, slt, awb, kal, espeak",
            "test.yaml:8: step 'b': play takes either 'prompts' or 'say', not both; use two play steps",
            "test.yaml:10: step 'c': warning: unreachable: no path from start step 'a' leads here",
        ])
    }

    @Test func oneTextCannotServeTwoDeclaredLanguages() {
        let (_, diagnostics) = loadText("""
            name: x
            languages: [en-us, es]
            start: a
            steps:
              a:
                play: { say: "Hi." }
                next: c
              c: { hangup: done }
            """)
        #expect(diagnostics.map(\.description) == [
            "test.yaml:6: step 'a': 'say' has one text but the flow speaks en-us, es; write one per language, like say: {en-us: \"…\", es: \"…\"}",
        ])
    }
}
