import Foundation
@testable import IVRApp
import IVRTesting
@testable import WhatsApp
@testable import WhatsAppWire
import Store
import Testing

/// A flow changed (hot reload) while a call ran it: the call's follow-up comes from the version it ran.
@Suite(.serialized) struct FollowupFlowVersionTests {
    static func flow(template: String) -> String {
        """
        name: versioned
        numbers: ["\(CallHarness.number)"]
        start: menu
        steps:
          menu:
            menu:
              prompt: main_menu
              options:
                "1": { goto: end }
              timeout: 60s
          end:
            hangup: completed
        followup:
          - template:
              name: \(template)
              language: en_US
        """
    }

    @Test func theFollowupUsesTheVersionTheCallRan() async throws {
        let h = try await CallHarness(flows: ["versioned": Self.flow(template: "first_version")])
        let id = "wacid.VERSION"
        try await h.connect(id)
        _ = try await h.answer(id)
        let ran = try #require(try await h.row(id)?.flowVersion)
        try Self.flow(template: "second_version")
            .write(to: h.dir.appendingPathComponent("Flows/versioned.yaml"), atomically: true, encoding: .utf8)
        h.catalog.reload()
        #expect(h.catalog.route(phoneNumberID: CallHarness.number)?.flow.versionHash != ran)
        #expect(h.terminate(id, durationSeconds: 9))
        let row = try #require(try await h.waitFinal(id))
        #expect(row.flowVersion == ran)
        #expect(row.endReason == "terminate")
        let queued = try await h.store.outboxMessages(statuses: [.pending, .sending, .sent])
        #expect(queued.count == 1)
        #expect(queued.first?.messageJSON.contains("first_version") == true)
        await h.close()
    }
}
