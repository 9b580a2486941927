@testable import Flow
import Testing
import Wire

@Suite struct FollowupAndGraphTests {
    static func outcome(_ status: FlowOutcome.Status, last: String) -> FlowOutcome {
        FlowOutcome(status: status, reason: "", lastStep: last, path: [], variables: [:], endedAt: instant(0))
    }

    @Test func firstMatchingRuleIsRenderedAndCutToLimits() throws {
        let flow = try mustLoad("""
        name: f
        start: a
        steps:
          a:
            hangup: done
        followup:
          - when: outcome.status == "caller_hung_up" && outcome.last_step == "menu"
            voice_call:
              body: "Missed you, {{call.caller_name}}"
              display_text: "{{vars.long}}"
              payload: "menu-{{vars.choice}}"
          - when: vars.choice == "2"
            template: { name: callback, language: en_US, payload: "{{call.from}}" }
        """)
        let call = CallInfo(callID: "c", from: "155", phoneNumberID: "1", callerName: "Ann")
        let vars: [String: FlowValue] = ["choice": .string("2"), "long": .string(String(repeating: "x", count: 30))]
        #expect(flow.followup(outcome: Self.outcome(.callerHungUp, last: "menu"), variables: vars, call: call)
            == .voiceCallButton(body: "Missed you, Ann", displayText: String(repeating: "x", count: 20), ttlMinutes: 10080, payload: "menu-2"))
        #expect(flow.followup(outcome: Self.outcome(.completed, last: "a"), variables: vars, call: call)
            == .template(name: "callback", language: "en_US", ttlMinutes: 10080, payload: "155"))
        #expect(flow.followup(outcome: Self.outcome(.completed, last: "a"), variables: [:], call: call) == nil)
    }

    @Test func mermaidDrawsStepsAndLabelledEdges() throws {
        let flow = try loadExample("main")
        let text = FlowGraph.mermaid(flow)
        #expect(text.hasPrefix("flowchart TD\n    start((start)) --> s0\n"))
        #expect(text.contains(#"    s1{"menu<br/>menu main_menu<br/>words: take ≥ 0.8, ask #quot;did you say…?#quot; ≥ 0.5"}"#))
        #expect(text.contains(#"    s1 -->|"1 / #quot;sales#quot; / #quot;buy#quot;"| s2"#))
        #expect(text.contains(#"    s1 -->|"failure"| s10"#))
        #expect(text.contains(#"    s4 -->|"open"| s5"#))
        #expect(text.contains(#"    s4 -->|"holiday"| s7"#))
        #expect(text.contains(#"    s9 -->|"if vars.tries < 2"| s1"#) == false)
        #expect(text.contains(#"    s9 -->|"vars.tries < 2"| s1"#))
        #expect(text.contains(#"    s9 -->|"else"| s10"#))
    }

    @Test func dotDrawsStepsAndLabelledEdges() throws {
        let flow = try loadExample("appointment")
        let text = FlowGraph.dot(flow)
        #expect(text.hasPrefix("digraph \"appointment\" {\n"))
        #expect(text.contains(#"    "confirm_menu" -> "cancel" [label="2 / \"cancel\" / \"no\""];"#))
        #expect(text.contains(#"    "lookup" -> "service_down" [label="error"];"#))
        #expect(text.contains(#"    "ask_code" -> "lookup" [label="digits"];"#))
        #expect(text.contains(#"    "end" [shape=doublecircle, label="end\nhangup completed"];"#))
        #expect(text.hasSuffix("}\n"))
    }

    @Test func outcomeConditionsAreOnlyAllowedInFollowups() {
        let (_, diagnostics) = loadText("""
        name: x
        start: b
        steps:
          b:
            branch:
              cases: [{ if: 'outcome.status == "completed"', goto: e }]
              else: e
          e:
            hangup: done
        """)
        #expect(diagnostics.map(\.description) == [
            "test.yaml:6: step 'b': case 1 'if': invalid expression 'outcome.status == \"completed\"': unknown name 'outcome'; expected vars.NAME or call.FIELD (outcome.* is only known in follow-up rules)",
        ])
    }
}
