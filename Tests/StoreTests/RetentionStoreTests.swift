import Foundation
import GRDB
import Store
import Testing

/// Retention: old call events, webhook deliveries and finished outbox rows go; recent rows, live outbox rows
/// and call rows stay. On a temporary SQLite file, as in production (WAL, a pool of readers).
@Suite struct RetentionStoreTests {
    let now = Date(timeIntervalSince1970: 1_764_070_000)
    var cutoff: Date { now.addingTimeInterval(-30 * 86_400) }

    func fileStore() throws -> Store {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("ivr-retention-\(UUID().uuidString)/ivr.sqlite").path
        return try Store(path: path)
    }

    func old(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }

    func outboxRow(_ call: String, _ status: OutboxStatus, updated: Date) -> OutboxMessage {
        OutboxMessage(callID: call, ruleKey: "missed", phoneNumberID: "42", recipient: "13175551234",
                      messageJSON: #"{"x":1}"#, status: status, createdAt: updated.addingTimeInterval(-60), updatedAt: updated)
    }

    /// Three old and two recent events, deliveries and outbox rows of each kind, and one call row.
    func seeded() async throws -> Store {
        let store = try fileStore()
        try await store.insertCall(CallRecord(id: "wacid.old", phoneNumberID: "42", caller: "13175551234", flow: "main",
                                              status: .completed, receivedAt: old(90)))
        for (i, age) in [90.0, 45, 30.5, 29.5, 1].enumerated() {
            try await store.recordEvent(callID: "wacid.old", kind: .step, detail: "s\(i)", at: old(age))
            _ = try await store.recordDelivery(subjectID: "wacid.\(i)", event: "connect", at: old(age))
        }
        try await store.writer.write { db in
            for (i, status) in OutboxStatus.allCases.enumerated() {
                var stale = outboxRow("wacid.stale\(i)", status, updated: old(60))
                try stale.insert(db)
                var fresh = outboxRow("wacid.fresh\(i)", status, updated: old(2))
                try fresh.insert(db)
            }
        }
        return store
    }

    @Test func dryRunCountsWhatAPruneDeletesAndDeletesNothing() async throws {
        let store = try await seeded()
        let cutoffs = PruneCutoffs(callEvents: cutoff, deliveries: cutoff, outbox: cutoff)
        let planned = try await store.prune(cutoffs, dryRun: true)
        // Events/deliveries 90, 45 and 30.5 days old; outbox: the four finished statuses, 60 days old.
        #expect(planned == PruneCounts(callEvents: 3, deliveries: 3, outbox: 4))
        #expect(try await store.events(callID: "wacid.old").count == 5)
        #expect(try await store.outboxMessages().count == 2 * OutboxStatus.allCases.count)

        let done = try await store.prune(cutoffs)
        #expect(done == planned)
        #expect(try await store.events(callID: "wacid.old").map(\.detail) == ["s3", "s4"])
        #expect(try await store.deliveryCount(subjectID: "wacid.0") == 0)
        #expect(try await store.deliveryCount(subjectID: "wacid.3") == 1)
        let left = try await store.outboxMessages()
        #expect(left.filter { $0.callID.hasPrefix("wacid.stale") }.map(\.status).sorted { $0.rawValue < $1.rawValue }
                == [.pending, .sending])
        #expect(left.filter { $0.callID.hasPrefix("wacid.fresh") }.count == OutboxStatus.allCases.count)
        #expect(try await store.call(id: "wacid.old") != nil)
        // Nothing left to prune.
        #expect(try await store.prune(cutoffs) == PruneCounts())
    }

    @Test func aNilCutoffKeepsThatTable() async throws {
        let store = try await seeded()
        let counts = try await store.prune(PruneCutoffs(callEvents: cutoff))
        #expect(counts == PruneCounts(callEvents: 3))
        #expect(try await store.deliveryCount(subjectID: "wacid.0") == 1)
        #expect(try await store.outboxMessages().count == 2 * OutboxStatus.allCases.count)
    }

    @Test func deletesAcrossManyBatches() async throws {
        let store = try fileStore()
        for i in 0..<23 {
            try await store.recordEvent(callID: "wacid.b", kind: .step, detail: "\(i)", at: old(40))
        }
        try await store.recordEvent(callID: "wacid.b", kind: .step, detail: "kept", at: old(10))
        #expect(try await store.pruneCallEvents(before: cutoff, batchSize: 5) == 23)
        #expect(try await store.events(callID: "wacid.b").map(\.detail) == ["kept"])
    }

    @Test func aDeliveryPrunedIsNewAgain() async throws {
        let store = try fileStore()
        #expect(try await store.recordDelivery(subjectID: "wacid.r", event: "connect", at: old(20)))
        #expect(try await store.pruneDeliveries(before: old(10)) == 1)
        #expect(try await store.recordDelivery(subjectID: "wacid.r", event: "connect", at: now))
    }
}
