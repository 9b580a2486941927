import Foundation
@testable import Flow
import Testing

/// Template filters format a value for speech in the call's language: digits one by one, numbers in
/// words, dates and times as the language says them; an unknown filter is a file:line error.
@Suite struct TemplateFilterTests {
    static let call = CallInfo(callID: "c1", from: "15550001111", phoneNumberID: "100")

    func render(_ template: String, _ vars: [String: FlowValue], language: String?) throws -> String {
        try Template.parse(template).render(EvaluationContext(variables: vars, call: Self.call, outcome: nil, language: language))
    }

    @Test func digitsAreSpokenOneByOneInTheLanguage() throws {
        #expect(try render("Your code is {{vars.code | digits}}.", ["code": .string("0427")], language: "en-us")
            == "Your code is zero, four, two, seven.")
        #expect(try render("Su código es {{vars.code | digits}}.", ["code": .string("0427")], language: "es")
            == "Su código es cero, cuatro, dos, siete.")
        // Letters are kept, separators dropped.
        #expect(try render("{{vars.ref | digits}}", ["ref": .string("ab-12")], language: nil) == "A, B, one, two")
    }

    @Test func numbersAreSpelledOutInTheLanguage() throws {
        #expect(try render("{{vars.n | number}}", ["n": .number(21)], language: "en-us") == "twenty-one")
        #expect(try render("{{vars.n | number}}", ["n": .string("21")], language: "es") == "veintiuno")
        // Not a number: printed as it is.
        #expect(try render("{{vars.n | number}}", ["n": .string("many")], language: "es") == "many")
    }

    @Test func datesAndTimesFollowTheLanguageAndTheValuesOffset() throws {
        let vars: [String: FlowValue] = ["at": .string("2026-12-24T18:30:00+01:00")]
        let dateEN = try render("{{vars.at | date}}", vars, language: "en-us")
        let dateES = try render("{{vars.at | date}}", vars, language: "es")
        #expect(dateEN.contains("December") && dateEN.contains("24") && dateEN.contains("Thursday"))
        #expect(dateES.contains("diciembre") && dateES.contains("24") && dateES.contains("jueves"))
        // The wall-clock time of the value's own offset (18:30 at +01:00), in each language's style.
        #expect(try render("{{vars.at | time}}", vars, language: "en-us").hasPrefix("6:30"))
        #expect(try render("{{vars.at | time}}", vars, language: "es") == "18:30")
        #expect(try render("{{vars.d | date}}", ["d": .string("2027-01-01")], language: "en-us").contains("January 1"))
        #expect(try render("{{vars.d | date}}", ["d": .string("soon")], language: "en-us") == "soon")
    }

    @Test func filtersChainAndOrIsNotAFilter() throws {
        #expect(try render("{{vars.a || vars.b}}", ["b": .bool(true)], language: nil) == "true")
        #expect(try render("{{ vars.a | number }} {{'x|y'}}", ["a": .number(3)], language: nil) == "three x|y")
    }

    @Test func engineFormatsInThePromptLanguage() throws {
        var d = Driver(try mustLoad("""
            name: x
            languages: [en-us, es]
            vars: { code: "42" }
            start: pick
            steps:
              pick: { set: { language: es }, next: say }
              say:
                play:
                  say: { en-us: "Your code is {{vars.code | digits}}.", es: "Su código es {{vars.code | digits}}." }
                next: end
              end: { hangup: done }
            """))
        let actions = d.send(.started, at: 0)
        #expect(actions.contains(.say(text: "Su código es cuatro, dos.", voice: "espeak", language: "es", bargeIn: false)))
    }

    @Test func anUnknownFilterIsAnErrorWithItsLineAndStep() {
        let (_, diagnostics) = loadText("""
            name: x
            start: a
            vars: { code: "1" }
            steps:
              a:
                play: { say: "Code {{vars.code | shout}}." }
                next: b
              b:
                set: { spoken: "{{vars.code |}}" }
                next: c
              c: { hangup: done }
            """)
        #expect(diagnostics.map(\.description) == [
            "test.yaml:6: step 'a': 'say': invalid template 'Code {{vars.code | shout}}.': unknown filter 'shout'; expected one of: digits, number, date, time",
            "test.yaml:9: step 'b': value of 'spoken': invalid template '{{vars.code |}}': '|' needs a filter name after it; expected one of: digits, number, date, time",
        ])
    }
}
