import Foundation
import PostgresNIO
import Store

/// Calls, their timelines and finalization. Where SQLite's single writer serialized two ends of a call,
/// here the call's row is locked (`FOR UPDATE`) for the transaction.
extension PostgresStore {
    public func insertCall(_ call: CallRecord) async throws -> Bool {
        var row = call
        if row.instanceID == nil { row.instanceID = instanceID }
        let logger = self.logger
        return try await transaction { [row] conn in try await PostgresRows.insertCall(row, on: conn, logger: logger) }
    }

    public func updateCall(id: String, at date: Date, _ change: @Sendable @escaping (inout CallRecord) -> Void)
        async throws -> CallRecord? {
        let logger = self.logger
        return try await transaction { conn in
            guard var call = try await PostgresRows.lockedCall(id, on: conn, logger: logger), call.finalizedAt == nil else {
                return nil
            }
            change(&call)
            call.updatedAt = date
            try await PostgresRows.updateCall(call, on: conn, logger: logger)
            return call
        }
    }

    /// Unfinalized calls owned by this instance (or by none), oldest first. A dead instance's calls are
    /// taken over through `takeOverCalls`, not here: a live instance's calls are not this one's to finalize.
    public func unfinalizedCalls() async throws -> [CallRecord] {
        try await rows("""
            SELECT * FROM calls WHERE finalized_at IS NULL AND (instance_id = \(instanceID) OR instance_id IS NULL)
            ORDER BY received_at
            """).map(PostgresRows.call)
    }

    public func call(id: String) async throws -> CallRecord? {
        try await rows("SELECT * FROM calls WHERE id = \(id)").first.map(PostgresRows.call)
    }

    public func recentCalls(limit: Int) async throws -> [CallRecord] {
        try await rows("SELECT * FROM calls ORDER BY received_at DESC LIMIT \(max(1, limit))").map(PostgresRows.call)
    }

    public func recordEvent(callID: String, kind: CallEventKind, detail: String, at date: Date) async throws {
        _ = try await rows("""
            INSERT INTO call_events (call_id, at, kind, detail) VALUES (\(callID), \(date), \(kind.rawValue), \(detail))
            """)
    }

    public func events(callID: String) async throws -> [CallEvent] {
        try await rows("SELECT * FROM call_events WHERE call_id = \(callID) ORDER BY at, id").map(PostgresRows.event)
    }

    public func finalizeCall(id: String, at date: Date, ifMissing: CallRecord?, endDetail: String,
                             _ apply: @Sendable @escaping (inout CallRecord, [CallEvent], Bool) throws -> [OutboxDraft])
        async throws -> CallFinalization? {
        let logger = self.logger
        return try await transaction { conn in
            if let ifMissing {
                _ = try await PostgresRows.insertCall(ifMissing, on: conn, logger: logger)
            }
            guard var row = try await PostgresRows.lockedCall(id, on: conn, logger: logger) else { return nil }
            let events = try await PostgresRows.events(id, on: conn, logger: logger)
            let first = row.finalizedAt == nil
            let drafts = try apply(&row, events, first)
            row.updatedAt = date
            guard first else {
                try await PostgresRows.updateCall(row, on: conn, logger: logger)
                return .alreadyFinalized(row)
            }
            row.finalizedAt = date
            var enqueued: [OutboxMessage] = []
            for draft in drafts {
                if let callback = draft.scheduledCall {
                    // In the outcome's transaction: a second finalization never schedules it again (dedupe key).
                    _ = try await PostgresStore.insertScheduledCall(callback, on: conn, logger: logger)
                    continue
                }
                let inserted = try await conn.rows("""
                    INSERT INTO outbox (call_id, rule_key, phone_number_id, recipient, message_json, status, attempts,
                      created_at, enqueued_at, next_attempt_at, updated_at)
                    VALUES (\(id), \(draft.ruleKey), \(row.phoneNumberID), \(draft.recipient), \(draft.messageJSON),
                      'pending', 0, \(date), \(date), \(date), \(date))
                    ON CONFLICT (call_id, rule_key) DO NOTHING RETURNING *
                    """, logger: logger)
                enqueued += try inserted.map(PostgresRows.outbox)
            }
            try await conn.query("""
                INSERT INTO call_events (call_id, at, kind, detail) VALUES (\(id), \(date), 'end', \(endDetail))
                """, logger: logger)
            try await PostgresRows.updateCall(row, on: conn, logger: logger)
            row.followupStatus = try await PostgresRows.refreshFollowup(id, at: date, on: conn, logger: logger)
            return .finalized(row, enqueued: enqueued)
        }
    }

    public func calls(since: Date?, flow: String?, status: String?, limit: Int) async throws -> [CallSummary] {
        try await rows("""
            SELECT calls.*, (SELECT detail FROM call_events e WHERE e.call_id = calls.id AND e.kind = 'step'
                             ORDER BY e.at DESC, e.id DESC LIMIT 1) AS last_step
            FROM calls
            WHERE (\(since)::timestamptz IS NULL OR received_at >= \(since))
              AND (\(flow)::text IS NULL OR flow = \(flow))
              AND (\(status)::text IS NULL OR status = \(status))
            ORDER BY received_at DESC LIMIT \(max(1, limit))
            """).map { CallSummary(call: try PostgresRows.call($0), lastStep: try $0.value("last_step")) }
    }
}
