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
