import Foundation
import Store
import Testing

@Suite struct ScheduledCallStoreTests {
    func scheduled(_ store: any CallStore) throws -> any ScheduledCallStore {
        guard let s = store as? any ScheduledCallStore else { throw TestSetupError("\(type(of: store)) has no scheduled calls") }
        return s
    }

    @Test(arguments: Backend.allCases) func aRowIsStoredOncePerDedupeKeyAndReadBackWhole(_ backend: Backend) async throws {
        let store = try scheduled(try await backend.make())
        let now = Date(timeIntervalSince1970: 1_764_070_000)
        let row = ScheduledCallRecord(id: "sch.1", recipient: "4915112345678", flow: "reminder",
                                      variablesJSON: #"{"name":"Ana"}"#, origin: .step, originCallID: "wacid.7",
                                      dedupeKey: "wacid.7/book", notBefore: now.addingTimeInterval(3600), createdAt: now)
        #expect(try await store.insertScheduledCall(row))
        var again = row
        again.id = "sch.2"
        #expect(try await !store.insertScheduledCall(again))
        #expect(try await store.scheduledCall(id: "sch.2") == nil)
        let read = try #require(try await store.scheduledCall(id: "sch.1"))
        #expect(read == row)
        #expect(read.state == .pending && !read.state.isFinal)
        #expect(read.updatedAt == now)
    }

    @Test(arguments: Backend.allCases) func rowsWithoutADedupeKeyOrCampaignNeverCollide(_ backend: Backend) async throws {
        let store = try scheduled(try await backend.make())
        let now = Date(timeIntervalSince1970: 1_764_070_000)
        for i in 0..<3 {
            let row = ScheduledCallRecord(id: "sch.\(i)", recipient: "4915112345678", flow: "reminder", origin: .api,
                                          notBefore: now, createdAt: now)
            #expect(try await store.insertScheduledCall(row))
        }
        var first = ScheduledCallRecord(id: "sch.c1", recipient: "1", flow: "f", origin: .campaign, campaignID: "cmp.1",
                                        campaignRow: 1, notBefore: now, createdAt: now)
        #expect(try await store.insertScheduledCall(first))
        first.id = "sch.c1-again"
        #expect(try await !store.insertScheduledCall(first), "one row per campaign row")
    }
}

/// A callback follow-up is recorded in the outcome's transaction on both stores, once however often the call is
/// finalized; the console lists it and cancels it once.
@Suite struct CallbackInOutcomeTests {
    let t0 = Date(timeIntervalSince1970: 1_764_070_000)

    @Test(arguments: Backend.allCases) func aCallbackIsScheduledOnceAndCancelledOnce(_ backend: Backend) async throws {
        let store = try await backend.make()
        let listing = try #require(store as? any ScheduledCallListing)
        _ = try await store.insertCall(CallRecord(id: "wacid.CB", phoneNumberID: "42", caller: "4915112345678",
                                                  flow: "callback", status: .accepted, receivedAt: t0))
        let callback = ScheduledCallRecord(id: "sch.cb", phoneNumberID: "42", recipient: "4915112345678",
                                           flow: "support-callback", origin: .callback, originCallID: "wacid.CB",
                                           dedupeKey: "wacid.CB/callback", notBefore: t0.addingTimeInterval(300),
                                           createdAt: t0)
        for i in 0..<2 {
            var copy = callback
            copy.id = "sch.cb\(i)"
            let again = copy
            _ = try await store.finalizeCall(id: "wacid.CB", at: t0.addingTimeInterval(Double(i)), endDetail: "hangup") {
                _, _, _ in [OutboxDraft(scheduledCall: again)]
            }
        }
        let page = try await listing.scheduledCalls(state: nil, origin: .callback, limit: 10, offset: 0)
        #expect(page.total == 1 && page.rows.map(\.id) == ["sch.cb0"])
        #expect(page.rows.first?.notBefore == t0.addingTimeInterval(300))
        #expect(try await store.outboxMessages().isEmpty, "a callback is no message")
        #expect(try await listing.scheduledCalls(state: .pending, origin: .step, limit: 10, offset: 0).total == 0)
        let cancelled = try await listing.cancelScheduledCall(id: "sch.cb0", at: t0.addingTimeInterval(60))
        #expect(cancelled.state == .cancelled && cancelled.lastResult == "cancelled")
        #expect(try await (store as? any ScheduledCallStore)?.scheduledCall(id: "sch.cb0")?.state == .cancelled)
        await #expect(throws: ScheduledCallCancelError.final(id: "sch.cb0", state: .cancelled)) {
            try await listing.cancelScheduledCall(id: "sch.cb0", at: self.t0.addingTimeInterval(61))
        }
        await #expect(throws: ScheduledCallCancelError.notFound(id: "sch.none")) {
            try await listing.cancelScheduledCall(id: "sch.none", at: self.t0)
        }
    }
}
