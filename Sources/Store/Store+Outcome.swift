import Foundation
import GRDB

/// What `finalizeCall` did.
public enum CallFinalization: Sendable, Equatable {
    /// This call finalized the row: the outcome, the `end` event and the outbox rows were committed together.
    case finalized(CallRecord, enqueued: [OutboxMessage])
    /// The row was already final (the other end came first); only the always-applied fields changed.
    case alreadyFinalized(CallRecord)
}

/// A call row with what `ivrd calls list` shows beside it.
public struct CallSummary: Sendable, Equatable {
    public var call: CallRecord
    /// The last `step` event, if any.
    public var lastStep: String?

    public init(call: CallRecord, lastStep: String?) {
        self.call = call
        self.lastStep = lastStep
    }
}

extension Store {
    /// Appends an event to the call's timeline.
    public func recordEvent(callID: String, kind: CallEventKind, detail: String, at date: Date) async throws {
        try await write { db in
            try CallEvent(callID: callID, at: date, kind: kind, detail: detail).insert(db)
        }
    }

    /// The call's timeline, oldest first.
    public func events(callID: String) async throws -> [CallEvent] {
        try await writer.read { db in try Self.events(db, callID: callID) }
    }

    static func events(_ db: Database, callID: String) throws -> [CallEvent] {
        try SQLRequest<CallEvent>(sql: "SELECT * FROM call_events WHERE call_id = ? ORDER BY at, id", arguments: [callID],
                                  cached: true).fetchAll(db)
    }

    /// Finalizes a call at most once, in one transaction.
    ///
    /// Fetches the row (inserting `ifMissing` when there is none; without it an unknown call returns nil),
    /// reads its events, and calls `apply(&row, events, first)`. `first` is true when the row had no
    /// `finalized_at`: then `finalized_at` is set, an `end` event with `endDetail` is added and the drafts
    /// `apply` returns go into `outbox` (unique per call and rule key) — all in the same transaction, so a
    /// crash leaves either everything or nothing, and a second finalization (the other end, a redelivered
    /// webhook) sees `first == false` and enqueues nothing. When `first` is false the returned drafts are
    /// ignored, but changes `apply` made to the row are kept (e.g. WhatsApp's figures arriving after our hang-up).
    public func finalizeCall(id: String, at date: Date, ifMissing: CallRecord?, endDetail: String,
                             _ apply: @Sendable @escaping (inout CallRecord, [CallEvent], Bool) throws -> [OutboxDraft])
        async throws -> CallFinalization? {
        try await write { db in
            var row: CallRecord
            if let existing = try SQLRequest<CallRecord>(sql: "SELECT * FROM calls WHERE id = ?", arguments: [id], cached: true)
                .fetchOne(db) {
                row = existing
            } else if let ifMissing {
                row = ifMissing
                try row.insert(db)
            } else {
                return nil
            }
            let events = try Self.events(db, callID: id)
            let first = row.finalizedAt == nil
            let drafts = try apply(&row, events, first)
            row.updatedAt = date
            guard first else {
                try row.update(db)
                return .alreadyFinalized(row)
            }
            row.finalizedAt = date
            var enqueued: [OutboxMessage] = []
            for draft in drafts {
                if let call = draft.scheduledCall {
                    _ = try Self.insertScheduledCall(call, db)
                    continue
                }
                var message = OutboxMessage(callID: id, ruleKey: draft.ruleKey, phoneNumberID: row.phoneNumberID,
                                            recipient: draft.recipient, messageJSON: draft.messageJSON, createdAt: date)
                try message.insert(db, onConflict: .ignore)
                if db.changesCount > 0 { enqueued.append(message) }
            }
            try CallEvent(callID: id, at: date, kind: .end, detail: endDetail).insert(db)
            row.followupStatus = try Self.followupSummary(db, callID: id)
            try row.update(db)
            return .finalized(row, enqueued: enqueued)
        }
    }

    /// Calls matching the filters, newest first, each with its last step.
    public func calls(since: Date?, flow: String?, status: String?, limit: Int) async throws
        -> [CallSummary] {
        try await writer.read { db in
            var clauses: [String] = []
            var args: [any DatabaseValueConvertible] = []
            if let since { clauses.append("received_at >= ?"); args.append(since) }
            if let flow { clauses.append("flow = ?"); args.append(flow) }
            if let status { clauses.append("status = ?"); args.append(status) }
            let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            let sql = """
                SELECT calls.*, (SELECT detail FROM call_events e WHERE e.call_id = calls.id AND e.kind = 'step'
                                 ORDER BY e.at DESC, e.id DESC LIMIT 1) AS last_step
                FROM calls \(whereSQL) ORDER BY received_at DESC LIMIT \(max(1, limit))
                """
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { row in
                CallSummary(call: try CallRecord(row: row), lastStep: row["last_step"])
            }
        }
    }

    /// The call's follow-up state from its outbox rows: `none`, one status, or several joined by `/`.
    static func followupSummary(_ db: Database, callID: String) throws -> String {
        let statuses = try String.fetchAll(db, sql: "SELECT DISTINCT status FROM outbox WHERE call_id = ?",
                                           arguments: [callID])
            .compactMap(OutboxStatus.init(rawValue:))
            .sorted { $0.deliveryRank < $1.deliveryRank }
        return statuses.isEmpty ? "none" : statuses.map(\.rawValue).joined(separator: "/")
    }

    static func refreshFollowup(_ db: Database, callID: String, at date: Date) throws {
        let summary = try followupSummary(db, callID: callID)
        try db.execute(sql: "UPDATE calls SET followup_status = ?, updated_at = ? WHERE id = ?",
                       arguments: [summary, date, callID])
    }
}
