import Flow
import Foundation
import IVRApp
import IVRTesting
import Logging
import Store
import Testing
import WhatsApp
import Wire

/// A `callback` follow-up at call end: the outcome's transaction inserts one `scheduled_calls` row (origin
/// callback, due after the rule's delay) and no outbox message; finalizing the call again inserts nothing.
@Suite struct CallbackFollowupTests {
    @Test func anUnresolvedCallIsCalledBackOnceEvenIfFinalizedTwice() async throws {
        let root = Fixtures.repositoryRoot()
        let catalog = FlowCatalog(directory: root.appendingPathComponent("Flows").path,
                                  promptsDirectory: root.appendingPathComponent("Prompts").path, defaultFlow: nil)
        catalog.reload()
        let flow = try #require(catalog.flow(named: "callback"))
        let store = try Store(inMemoryNamed: "callback-\(UUID().uuidString)")
        let graph = GraphClient(http: .shared, endpoint: .meta(baseURL: "http://127.0.0.1:9", accessToken: "t"),
                                retry: .none, logger: Logger(label: "test"))
        let ended = Date(timeIntervalSince1970: 1_764_070_100)
        let finalizer = CallFinalizer(store: store, graph: graph, planner: FlowFollowupPlanner(catalog: catalog),
                                      logger: Logger(label: "test"), now: { ended })
        var row = CallRecord(id: "wacid.CB1", phoneNumberID: "100000000000004", caller: "4915112345678", flow: "callback",
                             status: .accepted, receivedAt: ended.addingTimeInterval(-30))
        row.flowVersion = flow.versionHash
        _ = try await store.insertCall(row)
        let outcome = FlowOutcome(status: .callerHungUp, reason: "caller hung up", lastStep: "menu",
                                  path: [PathEntry(step: "menu", kind: "menu", enteredAt: Instant(nanoseconds: 0), exit: .callerHungUp)],
                                  variables: [:], endedAt: Instant(nanoseconds: 0))

        let first = await finalizer.finalize(callID: "wacid.CB1", phoneNumberID: "100000000000004",
                                             reason: .whatsApp(status: nil), flowOutcome: outcome, at: ended)
        guard case .finalized = first else {
            Issue.record("expected the call to be finalized, got \(first)")
            return
        }
        let second = await finalizer.finalize(callID: "wacid.CB1", phoneNumberID: "100000000000004",
                                              reason: .whatsApp(status: nil), flowOutcome: outcome, at: ended.addingTimeInterval(5))
        #expect(second == .alreadyFinalized)

        let page = try await store.scheduledCalls(state: nil, origin: nil, limit: 10, offset: 0)
        #expect(page.total == 1)
        let scheduled = try #require(page.rows.first)
        #expect(scheduled.origin == .callback)
        #expect(scheduled.state == .pending)
        #expect(scheduled.flow == "support-callback")
        #expect(scheduled.recipient == "4915112345678")
        #expect(scheduled.phoneNumberID == "100000000000004")
        #expect(scheduled.originCallID == "wacid.CB1")
        #expect(scheduled.dedupeKey == "wacid.CB1/callback")
        #expect(scheduled.notBefore == ended.addingTimeInterval(5 * 60))
        #expect(scheduled.variablesJSON == #"{"reason":"hung up in menu"}"#)
        #expect(try await store.outboxMessages(statuses: nil, callID: "wacid.CB1", limit: 10).isEmpty)

        // A second insert with the same key (a replayed outcome) changes nothing.
        var again = scheduled
        again.id = "sch.other"
        #expect(try await store.insertScheduledCall(again) == false)
        let cancelled = try await store.cancelScheduledCall(id: scheduled.id, at: ended.addingTimeInterval(60))
        #expect(cancelled.state == .cancelled)
        await #expect(throws: ScheduledCallCancelError.final(id: scheduled.id, state: .cancelled)) {
            try await store.cancelScheduledCall(id: scheduled.id, at: ended.addingTimeInterval(61))
        }
    }
}
