import Foundation
import GRDB
import Store
import StorePostgres
import Testing

/// Retention: old call events, webhook deliveries and finished outbox rows go; recent rows, live outbox rows
/// and call rows stay. On both stores (SQLite on a temporary file, as in production: WAL, a pool of readers).
@Suite struct RetentionStoreTests {
    let now = Date(timeIntervalSince1970: 1_764_070_000)
    var cutoff: Date { now.addingTimeInterval(-30 * 86_400) }

    func old(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }

    func outboxRow(_ call: String, _ status: OutboxStatus, updated: Date) -> OutboxMessage {
        OutboxMessage(callID: call, ruleKey: "missed", phoneNumberID: "42", recipient: "13175551234",
                      messageJSON: #"{"x":1}"#, status: status, createdAt: updated.addingTimeInterval(-60), updatedAt: updated)
    }

    /// An outbox row in any state (no store method writes a row straight into `delivered`, say).
    func insert(_ row: OutboxMessage, into store: any CallStore) async throws {
        switch store {
        case let s as Store:
            try await s.writer.write { db in
                var r = row
                try r.insert(db)
            }
        case let p as PostgresStore:
            func time(_ d: Date) -> String { "to_timestamp(\(d.timeIntervalSince1970))" }
            try await PostgresTestServer.execute("""
                INSERT INTO outbox (call_id, rule_key, phone_number_id, recipient, message_json, status, attempts,
                  created_at, enqueued_at, next_attempt_at, updated_at)
                VALUES ('\(row.callID)', '\(row.ruleKey)', '\(row.phoneNumberID)', '\(row.recipient)', '{}',
                  '\(row.status.rawValue)', 0, \(time(row.createdAt)), \(time(row.enqueuedAt)),
                  \(time(row.nextAttemptAt)), \(time(row.updatedAt)))
                """, in: p)
        default:
            throw TestSetupError("unknown store \(type(of: store))")
        }
    }

    /// Three old and two recent events, deliveries and outbox rows of each kind, and one call row.
    func seeded(_ backend: Backend) async throws -> any CallStore {
        let store = try await backend.make()
        try await store.insertCall(CallRecord(id: "wacid.old", phoneNumberID: "42", caller: "13175551234", flow: "main",
                                              status: .completed, receivedAt: old(90)))
        for (i, age) in [90.0, 45, 30.5, 29.5, 1].enumerated() {
            try await store.recordEvent(callID: "wacid.old", kind: .step, detail: "s\(i)", at: old(age))
            _ = try await store.recordDelivery(subjectID: "wacid.\(i)", event: "connect", at: old(age))
        }
        for (i, status) in OutboxStatus.allCases.enumerated() {
            try await insert(outboxRow("wacid.stale\(i)", status, updated: old(60)), into: store)
            try await insert(outboxRow("wacid.fresh\(i)", status, updated: old(2)), into: store)
        }
        return store
    }

    @Test(arguments: Backend.allCases) func dryRunCountsWhatAPruneDeletesAndDeletesNothing(_ backend: Backend)
        async throws {
        let store = try await seeded(backend)
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

    @Test(arguments: Backend.allCases) func aNilCutoffKeepsThatTable(_ backend: Backend) async throws {
        let store = try await seeded(backend)
        let counts = try await store.prune(PruneCutoffs(callEvents: cutoff))
        #expect(counts == PruneCounts(callEvents: 3))
        #expect(try await store.deliveryCount(subjectID: "wacid.0") == 1)
        #expect(try await store.outboxMessages().count == 2 * OutboxStatus.allCases.count)
    }

    @Test(arguments: Backend.allCases) func deletesAcrossManyBatches(_ backend: Backend) async throws {
        let store = try await backend.make()
        for i in 0..<23 {
            try await store.recordEvent(callID: "wacid.b", kind: .step, detail: "\(i)", at: old(40))
        }
        try await store.recordEvent(callID: "wacid.b", kind: .step, detail: "kept", at: old(10))
        #expect(try await store.prune(PruneCutoffs(callEvents: cutoff), dryRun: false, batchSize: 5).callEvents == 23)
        #expect(try await store.events(callID: "wacid.b").map(\.detail) == ["kept"])
    }

    /// A delivery never processed keeps its body for the replay; once retention prunes the delivery, the
    /// body goes too (nothing else would delete it). A recent pending delivery keeps its body.
    @Test(arguments: Backend.allCases) func aPrunedPendingDeliveryTakesItsBodyAlong(_ backend: Backend) async throws {
        let store = try await backend.make()
        let bodies = "SELECT COUNT(*) FROM webhook_bodies"
        _ = try await store.recordDeliveries([.init(subjectID: "wacid.stale", event: "connect", index: 0)],
                                             body: Array("old".utf8), at: old(40))
        _ = try await store.recordDeliveries([.init(subjectID: "wacid.recent", event: "connect", index: 0)],
                                             body: Array("new".utf8), at: old(1))
        #expect(try await PostgresTestServer.count(bodies, in: store) == 2)
        #expect(try await store.prune(PruneCutoffs(deliveries: cutoff)).deliveries == 1)
        #expect(try await PostgresTestServer.count(bodies, in: store) == 1)
        #expect(try await store.pendingWebhookEvents().map(\.subjectID) == ["wacid.recent"])
    }

    @Test(arguments: Backend.allCases) func aDeliveryPrunedIsNewAgain(_ backend: Backend) async throws {
        let store = try await backend.make()
        #expect(try await store.recordDelivery(subjectID: "wacid.r", event: "connect", at: old(20)))
        #expect(try await store.prune(PruneCutoffs(deliveries: old(10))).deliveries == 1)
        #expect(try await store.recordDelivery(subjectID: "wacid.r", event: "connect", at: now))
    }
}
