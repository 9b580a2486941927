import Foundation
import PostgresNIO
import Store

/// Retention on PostgreSQL: the same rows as `Store.prune` go (call events, webhook deliveries, finished
/// outbox rows; call rows stay), in batches of `batchSize` rows, one short transaction each. Safe with
/// several instances pruning at once: each batch locks its rows with `SKIP LOCKED`, so two pruners never
/// wait on each other and a row is deleted once.
extension PostgresStore {
    public func prune(_ cutoffs: PruneCutoffs, dryRun: Bool, batchSize: Int) async throws -> PruneCounts {
        var counts = PruneCounts()
        let done = OutboxStatus.allCases.filter { $0 != .pending && $0 != .sending }.map(\.rawValue)
        if let before = cutoffs.callEvents {
            counts.callEvents = try await deleteInBatches(table: "call_events", where: "at < $1", before,
                                                          dryRun: dryRun, batchSize: batchSize)
        }
        if let before = cutoffs.deliveries {
            counts.deliveries = try await deleteInBatches(table: "webhook_deliveries", where: "received_at < $1", before,
                                                          dryRun: dryRun, batchSize: batchSize)
            if !dryRun {
                // The bodies of pruned pending deliveries: nobody is left to delete them (see `Store.orphanBodies`).
                _ = try await deleteInBatches(table: "webhook_bodies", where: """
                    received_at < $1 AND id NOT IN (
                      SELECT body_id FROM webhook_deliveries WHERE processed_at IS NULL AND body_id IS NOT NULL)
                    """, before, dryRun: false, batchSize: batchSize)
            }
        }
        if let before = cutoffs.outbox {
            counts.outbox = try await deleteInBatches(table: "outbox", where: "updated_at < $1 AND status = ANY($2)",
                                                      before, done, dryRun: dryRun, batchSize: batchSize)
        }
        return counts
    }

    private func deleteInBatches(table: String, where condition: String, _ before: Date, _ statuses: [String]? = nil,
                                 dryRun: Bool, batchSize: Int) async throws -> Int {
        func query(_ sql: String) -> PostgresQuery {
            var binds = PostgresBindings(capacity: 2)
            binds.append(before)
            if let statuses { binds.append(statuses) }
            return PostgresQuery(unsafeSQL: sql, binds: binds)
        }
        if dryRun {
            return try await rows(query("SELECT COUNT(*) AS n FROM \(table) WHERE \(condition)")).first
                .map { try $0.value("n", as: Int.self) } ?? 0
        }
        let limit = max(1, batchSize)
        var total = 0
        while true {
            let deleted = try await rows(query("""
                DELETE FROM \(table) WHERE ctid IN (
                  SELECT ctid FROM \(table) WHERE \(condition) LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING 1
                """)).count
            total += deleted
            if deleted < limit { return total }
        }
    }
}
