import Foundation
import Hummingbird
import HummingbirdTesting
@testable import IVRApp
import IVRTesting
import Store
import Testing
@testable import WhatsApp
@testable import WhatsAppWire

/// Events a crashed process had acknowledged but not handled are handled at the next start: a
/// `terminate` is applied, a `connect` whose accept window has passed is recorded as `interrupted`.
@Suite(.serialized) struct WebhookReplayTests {
    @Test func pendingEventsAreHandledAfterARestart() async throws {
        let h = try await WebhookHTTPTests.harness()
        let store = h.server.store
        let terminate = try CallOutcomeTests.terminateBody("wacid.REPLAY-T")
        let connect = try WebhookHTTPTests.connectBody(callID: "wacid.REPLAY-C")
        let old = Date(timeIntervalSinceNow: -600)
        _ = try await store.recordDeliveries([.init(subjectID: "wacid.REPLAY-T", event: "terminate", index: 0)],
                                             body: terminate, at: old)
        _ = try await store.recordDeliveries([.init(subjectID: "wacid.REPLAY-C", event: "connect", index: 0)],
                                             body: connect, at: old)
        let before = try await store.pendingWebhookEvents()
        #expect(before.count == 2)
        try await h.server.application().test(.live) { _ in
            await h.server.processor.replayPending()
            let drained = try await eventually(attempts: 400) { try await store.pendingWebhookEvents().isEmpty }
            #expect(drained)
        }
        let t = try #require(try await store.call(id: "wacid.REPLAY-T"))
        #expect(t.finalizedAt != nil)
        #expect(t.endReason == "terminate")
        let c = try #require(try await store.call(id: "wacid.REPLAY-C"))
        #expect(c.endReason == "interrupted")
        let preAccepts = h.standIn.requests.filter { r in r.json.map { $0["action"] as? String == "pre_accept" } ?? false }
        #expect(preAccepts.isEmpty)
        await h.close()
    }
}
