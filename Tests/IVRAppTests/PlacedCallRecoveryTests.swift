import Foundation
@testable import IVRApp
import IVRTesting
import Store
import Testing

/// A call we placed was cut by a crash: at the next start it is finalized `interrupted` and ended at WhatsApp
/// under WhatsApp's id, so the user's phone stops ringing (or the answered call stops being dead air). A call
/// whose `connect` never got WhatsApp's id cannot be ended there, and a call made to us needs no action: its
/// media is gone and WhatsApp ends it.
@Suite(.serialized) struct PlacedCallRecoveryTests {
    @Test func aPlacedCallCutByACrashIsEndedAtWhatsAppByItsID() async throws {
        let h = try await WebhookHTTPTests.harness()
        let store = h.server.store
        let placing = try #require(store as? any OutboundStore)
        let at = Date(timeIntervalSinceNow: -5)
        let number = WebhookHTTPTests.phoneNumberID
        for (id, whatsApp) in [("out.RINGING", "wacid.OUT1" as String?), ("out.NOID", nil)] {
            let request = OutboundCallRecord(id: id, phoneNumberID: number, recipient: "13175551234", flow: "support",
                                             waCallID: whatsApp, createdAt: at)
            let row = CallRecord(id: id, phoneNumberID: number, caller: "13175551234", direction: "BUSINESS_INITIATED",
                                 flow: "support", status: .received, receivedAt: at)
            #expect(try await placing.insertOutboundCall(request, row: row))
        }
        _ = try await store.insertCall(CallRecord(id: "wacid.INBOUND", phoneNumberID: number, caller: "13175551234",
                                                  status: .accepted, receivedAt: at))
        #expect(await h.server.processor.graphCallID(forCall: "out.RINGING") == .other("wacid.OUT1"))
        #expect(await h.server.processor.graphCallID(forCall: "out.NOID") == CallFinalizer.GraphCallID.none)
        #expect(await h.server.processor.graphCallID(forCall: "wacid.INBOUND") == .same)

        await h.server.recover()

        for id in ["out.RINGING", "out.NOID", "wacid.INBOUND"] {
            #expect(try await store.call(id: id)?.endReason == "interrupted", "\(id)")
        }
        let actions = h.standIn.requests.compactMap { r -> String? in
            guard let json = r.json else { return nil }
            return "\(json["action"] as? String ?? "?") \(json["call_id"] as? String ?? "?")"
        }
        #expect(actions == ["terminate wacid.OUT1"])
        await h.close()
    }
}
