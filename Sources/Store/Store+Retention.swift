import Foundation
import GRDB

/// How many rows a prune removed (or, in a dry run, would remove), per table.
public struct PruneCounts: Sendable, Equatable, CustomStringConvertible {
    public var callEvents = 0
    public var deliveries = 0
    public var outbox = 0

    public init(callEvents: Int = 0, deliveries: Int = 0, outbox: Int = 0) {
        self.callEvents = callEvents
        self.deliveries = deliveries
        self.outbox = outbox
    }

    public var total: Int { callEvents + deliveries + outbox }

    public var description: String { "call events \(callEvents), webhook deliveries \(deliveries), outbox rows \(outbox)" }
}

/// The oldest rows to keep, per table: rows strictly older than a cutoff go; a nil cutoff keeps the table whole.
public struct PruneCutoffs: Sendable, Equatable {
    /// Rows deleted per transaction (on either store).
    public static let batchSize = 500

    /// `call_events.at`.
    public var callEvents: Date?
    /// `webhook_deliveries.received_at`. A redelivery older than this is no longer recognised as one, so keep
    /// these longer than WhatsApp retries a webhook.
    public var deliveries: Date?
    /// `outbox.updated_at` of rows that are done (sent, delivered, read, failed). Pending and sending rows are
    /// never pruned: the outbox worker still owns them (it fails them after `outbox.max_age_seconds`).
    public var outbox: Date?

    public init(callEvents: Date? = nil, deliveries: Date? = nil, outbox: Date? = nil) {
        self.callEvents = callEvents
        self.deliveries = deliveries
        self.outbox = outbox
    }
}

/// Retention: deleting old call events, webhook deliveries and finished outbox rows. Call rows stay (they are
/// the outcome record). Deletes run in batches of `batchSize` rows, one short transaction each, so the
/// webhook path and call finalization never wait long behind a large prune.
extension Store {
    public static let pruneBatchSize = PruneCutoffs.batchSize

    /// Deletes what `cutoffs` allow, or only counts it when `dryRun`.
    public func prune(_ cutoffs: PruneCutoffs, dryRun: Bool, batchSize: Int) async throws -> PruneCounts {
        var counts = PruneCounts()
        if let before = cutoffs.callEvents {
            counts.callEvents = try await pruneCallEvents(before: before, dryRun: dryRun, batchSize: batchSize)
        }
        if let before = cutoffs.deliveries {
            counts.deliveries = try await pruneDeliveries(before: before, dryRun: dryRun, batchSize: batchSize)
        }
        if let before = cutoffs.outbox {
            counts.outbox = try await pruneOutbox(before: before, dryRun: dryRun, batchSize: batchSize)
        }
        return counts
    }

    /// `call_events` rows with `at` before `date`.
    public func pruneCallEvents(before date: Date, dryRun: Bool = false,
                                batchSize: Int = Store.pruneBatchSize) async throws -> Int {
        try await deleteInBatches(table: CallEvent.databaseTableName, where: "at < ?", [date],
                                  dryRun: dryRun, batchSize: batchSize)
    }

    /// `webhook_deliveries` rows received before `date`, processed or not (an event still pending after the
    /// retention period is not replayed any more), then the bodies no pending delivery needs any longer.
    public func pruneDeliveries(before date: Date, dryRun: Bool = false,
                                batchSize: Int = Store.pruneBatchSize) async throws -> Int {
        let deleted = try await deleteInBatches(table: WebhookDelivery.databaseTableName, where: "received_at < ?",
                                                [date], dryRun: dryRun, batchSize: batchSize)
        if !dryRun {
            try await write { db in try db.execute(sql: Self.orphanBodies, arguments: [date]) }
        }
        return deleted
    }

    /// A delivery's body is deleted when its last event is processed; one whose pending deliveries were
    /// pruned has nobody left to do that. (Only unprocessed rows are looked at: that is the indexed few.)
    static let orphanBodies = """
        DELETE FROM webhook_bodies WHERE received_at < ? AND id NOT IN (
          SELECT body_id FROM webhook_deliveries WHERE processed_at IS NULL AND body_id IS NOT NULL)
        """

    /// Finished `outbox` rows (sent, delivered, read, failed) last changed before `date`.
    public func pruneOutbox(before date: Date, dryRun: Bool = false,
                            batchSize: Int = Store.pruneBatchSize) async throws -> Int {
        let done = OutboxStatus.allCases.filter { $0 != .pending && $0 != .sending }.map(\.rawValue)
        let placeholders = Array(repeating: "?", count: done.count).joined(separator: ", ")
        return try await deleteInBatches(table: OutboxMessage.databaseTableName,
                                         where: "updated_at < ? AND status IN (\(placeholders))",
                                         [date] + done.map { $0 as (any DatabaseValueConvertible)? },
                                         dryRun: dryRun, batchSize: batchSize)
    }

    private func deleteInBatches(table: String, where condition: String, _ values: [(any DatabaseValueConvertible)?],
                                 dryRun: Bool, batchSize: Int) async throws -> Int {
        let arguments = StatementArguments(values)
        if dryRun {
            return try await writer.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(condition)", arguments: arguments) ?? 0
            }
        }
        let limit = max(1, batchSize)
        var total = 0
        while true {
            let deleted = try await write { db in
                try db.execute(sql: """
                    DELETE FROM \(table) WHERE rowid IN (SELECT rowid FROM \(table) WHERE \(condition) LIMIT \(limit))
                    """, arguments: arguments)
                return db.changesCount
            }
            total += deleted
            if deleted < limit { return total }
        }
    }
}
