import Foundation
@testable import IVRApp
import IVRTesting
import Store
import Testing

/// Variables set by a menu's `into:`, a `set` step and a `gather` all reach the call's row, the outcome
/// line and the follow-up rules together (each used to replace the others), redacted names masked,
/// and the keys that make up a redacted value masked too.
@Suite(.serialized) struct VariablesAcrossStepsTests {
    static let flow = """
        name: vars
        numbers: ["\(CallHarness.number)"]
        redact: [code]
        start: ask
        steps:
          ask:
            menu:
              prompt: main_menu
              options:
                "3": { goto: count }
              into: choice
              timeout: 10s
          count:
            set:
              tries: "{{2}}"
            next: code
          code:
            gather:
              prompt: enter_code
              into: code
              min_digits: 4
              max_digits: 4
              timeout: 20s
            next: end
          end:
            hangup: completed
        followup:
          - when: vars.choice == null
            template:
              name: missed_call
              language: en_US
          - when: vars.choice == "3" && vars.tries == 2
            template:
              name: chose_three
              language: en_US
        """

    @Test func everyVariableIsKeptAndTheRulesSeeThemAll() async throws {
        let h = try await CallHarness(flows: ["vars": Self.flow])
        let id = "wacid.VARS"
        try await h.connect(id)
        let media = try await h.answer(id)
        for key: Character in ["3", "4", "7", "1", "1"] {
            media.press(key)
            try await Task.sleep(for: .milliseconds(30))
        }
        let store = h.store
        for _ in 0..<100 {
            if try await store.call(id: id)?.finalizedAt != nil { break }
            h.clock.advance(by: .milliseconds(100))
            try await Task.sleep(for: .milliseconds(20))
        }
        let row = try #require(try await h.waitFinal(id))
        #expect(row.endReason == "hangup")
        #expect(row.variables == ["choice": "\"3\"", "tries": "2", "code": "\"***\""], "\(row.variables)")
        let keys = try await store.events(callID: id).filter { $0.kind == .key }.map(\.detail)
        #expect(keys == ["3", "***", "***", "***", "***"])  // in the order pressed; the code's keys masked
        let line = try #require(h.lines.outcomes.first)
        #expect(line["variables"] as? [String: String] == ["choice": "\"3\"", "tries": "2", "code": "\"***\""])
        let queued = try await store.outboxMessages(statuses: [.pending, .sending, .sent])
        #expect(queued.map(\.ruleKey) == ["flow.vars.followup"])
        #expect(queued.first?.messageJSON.contains("chose_three") == true)
        await h.close()
    }
}
