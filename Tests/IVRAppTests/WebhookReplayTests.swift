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

    /// A process was killed after it acknowledged two connects, one still ringing (`pre_accepted`) and one
    /// already answered. At the next start, inside the accept window, the ringing one is handled again
    /// (here `UnavailableMedia` makes that a `reject`), not finalized as interrupted; the answered one,
    /// whose media died with the process, is.
    @Test func aConnectLeftUnansweredIsHandledAgainInsideItsWindow() async throws {
        let h = try await WebhookHTTPTests.harness()
        let store = h.server.store
        let at = Date(timeIntervalSinceNow: -2)
        for (id, status) in [("wacid.RINGING", CallStatus.preAccepted), ("wacid.ANSWERED", .accepted)] {
            _ = try await store.recordDeliveries([.init(subjectID: id, event: "connect", index: 0)],
                                                 body: try WebhookHTTPTests.connectBody(callID: id), at: at)
            _ = try await store.insertCall(CallRecord(id: id, phoneNumberID: WebhookHTTPTests.phoneNumberID,
                                                      caller: "13175551234", status: status, receivedAt: at))
        }
        let processor = h.server.processor
        let plan = await processor.plan(await processor.pendingEvents())
        #expect(plan.answerable == ["wacid.RINGING", "wacid.ANSWERED"])
        let late = await processor.plan(await processor.pendingEvents(), now: at.addingTimeInterval(31))
        #expect(late.answerable.isEmpty, "the 30 s window has passed")
        try await h.server.application().test(.live) { _ in
            await h.server.recover()
            let drained = try await eventually(attempts: 400) { try await store.pendingWebhookEvents().isEmpty }
            #expect(drained)
        }
        #expect(try await store.call(id: "wacid.ANSWERED")?.endReason == "interrupted")
        let ringing = try #require(try await store.call(id: "wacid.RINGING"))
        #expect(ringing.status == .rejected && ringing.finalizedAt != nil, "\(ringing)")
        let actions = h.standIn.requests.compactMap { r -> String? in
            guard let json = r.json, json["call_id"] as? String != nil else { return nil }
            return "\(json["action"] as? String ?? "?") \(json["call_id"] as? String ?? "?")"
        }
        #expect(actions == ["reject wacid.RINGING"])
        await h.close()
    }

    /// The caller hung up (WhatsApp's `terminate` acknowledged) and the process died before it handled it: the
    /// next start ends the call as WhatsApp said, `terminate` and `completed`, not `interrupted`.
    @Test func aTerminateLeftUnhandledEndsTheCallAtTheNextStart() async throws {
        let h = try await WebhookHTTPTests.harness()
        let store = h.server.store
        let at = Date(timeIntervalSinceNow: -5)
        _ = try await store.insertCall(CallRecord(id: "wacid.HUNGUP", phoneNumberID: WebhookHTTPTests.phoneNumberID,
                                                  caller: "13175551234", status: .accepted, receivedAt: at))
        _ = try await store.insertCall(CallRecord(id: "wacid.CUT", phoneNumberID: WebhookHTTPTests.phoneNumberID,
                                                  caller: "13175551234", status: .accepted, receivedAt: at))
        _ = try await store.recordDeliveries([.init(subjectID: "wacid.HUNGUP", event: "terminate", index: 0)],
                                             body: try CallOutcomeTests.terminateBody("wacid.HUNGUP"), at: at)
        #expect(await h.server.processor.plan(await h.server.processor.pendingEvents()).terminated == ["wacid.HUNGUP"])
        try await h.server.application().test(.live) { _ in
            await h.server.recover()
            let drained = try await eventually(attempts: 400) { try await store.pendingWebhookEvents().isEmpty }
            #expect(drained)
        }
        let hungUp = try #require(try await store.call(id: "wacid.HUNGUP"))
        #expect(hungUp.endReason == "terminate" && hungUp.status == .completed, "\(hungUp)")
        #expect(try await store.call(id: "wacid.CUT")?.endReason == "interrupted")
        await h.close()
    }
}
