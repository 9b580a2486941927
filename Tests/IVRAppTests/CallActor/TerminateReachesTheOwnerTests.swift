import Foundation
@testable import IVRApp
import IVRTesting
@testable import WhatsApp
@testable import WhatsAppWire
import Store
import Testing

/// A `terminate` during set-up reaches the call's owner (it used to reach no one until `accept`):
/// set-up stops, no `reject` follows, the row is final, and nothing later rewrites it.
@Suite(.serialized) struct TerminateReachesTheOwnerTests {
    @Test func terminateWhileConnectingEndsTheCallOnce() async throws {
        let h = try await CallHarness(flows: ["vars": VariablesAcrossStepsTests.flow])
        let id = "wacid.EARLY"
        try await h.connect(id)
        let media = try await h.channel(id)
        let store = h.store
        #expect(try await eventually(attempts: 800) { try await store.call(id: id)?.status == .preAccepted })
        #expect(h.terminate(id, status: .failed, durationSeconds: 0))
        let row = try #require(try await h.waitFinal(id))
        #expect(row.endReason == "terminate")
        #expect(row.status == .failed)
        #expect(row.waStatus == "FAILED")
        #expect(media.seen.withLockedValue { $0.closed } == [.local(.terminatedByWhatsApp)])
        #expect(h.graphActions("reject").isEmpty)
        #expect(h.graphActions("accept").isEmpty)
        // The finalized row is no longer writable by progress updates.
        #expect(try await store.updateCall(id: id) { $0.status = .rejected } == nil)
        #expect(try await h.row(id)?.status == .failed)
        #expect(h.lines.outcomes.count == 1)
        #expect(try await eventually { h.service.activeCalls == 0 })
        await h.close()
    }
}
