@testable import Flow
import Testing

@Suite struct LanguageTests {
    static let call = CallInfo(callID: "c1", from: "15550001111", phoneNumberID: "100", callerName: "Ann", ctaPayload: "menu-2")

    func eval(_ text: String, _ vars: [String: FlowValue] = [:]) throws -> FlowValue {
        try ExpressionParser.parse(text).evaluate(EvaluationContext(variables: vars, call: Self.call, outcome: nil))
    }

    @Test func operatorsAndPrecedence() throws {
        let vars: [String: FlowValue] = ["choice": .string("sales"), "tries": .number(2), "code": .string("0042")]
        #expect(try eval(#"vars.choice == "sales" && vars.tries < 3"#, vars) == .bool(true))
        #expect(try eval(#"!(vars.choice == "sales") || vars.tries >= 2"#, vars) == .bool(true))
        #expect(try eval("vars.tries + 1 - 4", vars) == .number(-1))
        #expect(try eval(#"vars.choice in ["buy", "sales"]"#, vars) == .bool(true))
        #expect(try eval(#""ale" in vars.choice"#, vars) == .bool(true))
        #expect(try eval("vars.code == 42", vars) == .bool(true))         // gathered digits compare as numbers
        #expect(try eval(#"vars.code == "42""#, vars) == .bool(false))    // two strings compare as text
        #expect(try eval("vars.missing == null", vars) == .bool(true))
        #expect(try eval("!vars.missing", vars) == .bool(true))
        #expect(try eval("call.cta_payload", vars) == .string("menu-2"))
        #expect(try eval("true && false || true") == .bool(true))
        #expect(try eval("-2 < -1") == .bool(true))
    }

    @Test func parseErrorsSayWhereAndWhatWasExpected() {
        #expect(throws: FlowError.expression(text: "vars.a ==", column: 10, expected: "a value", found: "the end")) {
            try ExpressionParser.parse("vars.a ==")
        }
        #expect(throws: FlowError.expression(text: "vars.a = 1", column: 8, expected: "'==' (a single '=' is not an operator)", found: "'='")) {
            try ExpressionParser.parse("vars.a = 1")
        }
        #expect(throws: FlowError.unknownName(text: "system.exit", name: "system", expected: "vars.NAME or call.FIELD")) {
            try ExpressionParser.parse("system.exit")
        }
        #expect(throws: FlowError.unknownName(text: "vars.a.b", name: "vars.a.…", expected: "one level: vars.NAME or call.FIELD")) {
            try ExpressionParser.parse("vars.a.b")
        }
        #expect(throws: FlowError.expression(text: "\"abc", column: 1, expected: "a closing \" for the string", found: "the end")) {
            try ExpressionParser.parse("\"abc")
        }
        #expect(throws: FlowError.expression(text: "1 1", column: 3, expected: "an operator or the end", found: "'1'")) {
            try ExpressionParser.parse("1 1")
        }
        #expect(FlowError.expression(text: "1 1", column: 3, expected: "an operator or the end", found: "'1'").description
            == "invalid expression '1 1': expected an operator or the end at column 3, found '1'")
    }

    @Test func templatesKeepTypeWhenWhole() throws {
        let ctx = EvaluationContext(variables: ["n": .number(3)], call: Self.call, outcome: nil)
        #expect(try Template.parse("{{vars.n + 1}}").value(ctx) == .number(4))
        #expect(try Template.parse("Hi {{call.caller_name}}, try {{ vars.n }}").value(ctx) == .string("Hi Ann, try 3"))
        #expect(try Template.parse("{{vars.none}}!").render(ctx) == "!")
        #expect(throws: FlowError.unclosedTemplate(text: "a {{b", column: 3)) { try Template.parse("a {{b") }
    }

    @Test func durations() throws {
        #expect(try FlowDuration.parse("5s") == .seconds(5))
        #expect(try FlowDuration.parse("1500ms") == .milliseconds(1500))
        #expect(try FlowDuration.parse("2m") == .seconds(120))
        #expect(try FlowDuration.parse("0.5s") == .milliseconds(500))
        #expect(throws: FlowError.duration(text: "5")) { try FlowDuration.parse("5") }
        #expect(throws: FlowError.duration(text: "s")) { try FlowDuration.parse("s") }
        #expect(FlowDuration.format(.milliseconds(1500)) == "1.5s")
    }

    /// FIPS 180-4 / NIST examples.
    @Test func sha256Vectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func versionHashIsTheFileHash() throws {
        let text = "name: h\nstart: a\nsteps:\n  a:\n    hangup: done\n"
        let flow = try mustLoad(text)
        #expect(flow.versionHash == SHA256.hex(Array(text.utf8)))
        #expect(try mustLoad(text + "# changed\n").versionHash != flow.versionHash)
    }

    @Test func simulatorInputs() throws {
        #expect(try SimulatorInput.parse("1") == .digits("1"))
        #expect(try SimulatorInput.parse("1234#") == .digits("1234#"))
        #expect(try SimulatorInput.parse("digits:99") == .digits("99"))
        #expect(try SimulatorInput.parse("say:sales") == .say("sales", confidence: 1))
        #expect(try SimulatorInput.parse("say:sales@0.4") == .say("sales", confidence: 0.4))
        #expect(try SimulatorInput.parse("wait:6s") == .wait(.seconds(6)))
        #expect(try SimulatorInput.parse("hangup") == .hangup)
        #expect(throws: FlowError.simulatorInput(text: "wait:6", expected: "a duration after 'wait:' like 6s or 500ms")) {
            try SimulatorInput.parse("wait:6")
        }
        #expect(throws: FlowError.simulatorInput(text: "x", expected: "keys (1, 1234#, digits:12), say:WORD[@CONFIDENCE], wait:DURATION (6s, 500ms) or hangup")) {
            try SimulatorInput.parse("x")
        }
    }
}
