import Foundation
import PostgresNIO
import Store

/// The outbox across instances. A claim takes due rows with `FOR UPDATE SKIP LOCKED` (two instances
/// claiming at once get disjoint rows, neither waits) and stamps them with this instance and a lease.
/// A row still `sending` when its lease has run out belonged to an instance that died mid-send: any
/// instance may claim it again. Every change keeps the call's `followup_status` in step.
extension PostgresStore {
    public func outboxMessage(id: Int64) async throws -> OutboxMessage? {
        try await rows("SELECT * FROM outbox WHERE id = \(id)").first.map(PostgresRows.outbox)
    }

    public func outboxMessages(statuses: [OutboxStatus]?, callID: String?, limit: Int) async throws -> [OutboxMessage] {
        let names = statuses?.map(\.rawValue)
        return try await rows("""
            SELECT * FROM outbox
            WHERE (\(names)::text[] IS NULL OR status = ANY(\(names))) AND (\(callID)::text IS NULL OR call_id = \(callID))
            ORDER BY created_at, id LIMIT \(max(1, limit))
            """).map(PostgresRows.outbox)
    }

    public func claimDueOutbox(now: Date, limit: Int) async throws -> [OutboxMessage] {
        let logger = self.logger, me = instanceID, lease = now.addingTimeInterval(outboxLease)
        return try await transaction { conn in
            let claimed = try await conn.rows("""
                UPDATE outbox SET status = 'sending', attempts = attempts + 1, last_attempt_at = \(now),
                  updated_at = \(now), claimed_by = \(me), lease_until = \(lease)
                WHERE id IN (
                  SELECT id FROM outbox
                  WHERE (status = 'pending' AND next_attempt_at <= \(now)) OR (status = 'sending' AND lease_until < \(now))
                  ORDER BY next_attempt_at, id LIMIT \(max(1, limit)) FOR UPDATE SKIP LOCKED)
                RETURNING *
                """, logger: logger).map(PostgresRows.outbox)
                .sorted { ($0.nextAttemptAt, $0.id ?? 0) < ($1.nextAttemptAt, $1.id ?? 0) }
            for callID in Set(claimed.map(\.callID)) {
                _ = try await PostgresRows.refreshFollowup(callID, at: now, on: conn, logger: logger)
            }
            return claimed
        }
    }

    /// The earliest moment a row may be claimed: a pending row's `next_attempt_at`, or another instance's lease end.
    public func nextOutboxDue() async throws -> Date? {
        try await rows("""
            SELECT min(t) AS due FROM (
              SELECT min(next_attempt_at) AS t FROM outbox WHERE status = 'pending'
              UNION ALL SELECT min(lease_until) FROM outbox WHERE status = 'sending' AND claimed_by <> \(instanceID)) d
            """).first?.value("due")
    }

    /// Start-up: this instance's own `sending` rows (it died mid-send) go back to `pending`, due now.
    /// Another instance's rows are left to their lease.
    public func resumeInterruptedOutbox(now: Date) async throws -> Int {
        let logger = self.logger, me = instanceID
        return try await transaction { conn in
            let resumed = try await conn.rows("""
                UPDATE outbox SET status = 'pending', next_attempt_at = \(now), updated_at = \(now), claimed_by = NULL,
                  lease_until = NULL
                WHERE status = 'sending' AND (claimed_by = \(me) OR claimed_by IS NULL) RETURNING call_id
                """, logger: logger)
            let calls = Set(try resumed.map { try $0.value("call_id", as: String.self) })
            for callID in calls { _ = try await PostgresRows.refreshFollowup(callID, at: now, on: conn, logger: logger) }
            return resumed.count
        }
    }

    public func markOutboxSent(id: Int64, wamid: String, at date: Date) async throws -> OutboxMessage? {
        try await changeOutbox(id: id, at: date) { $0.markSent(wamid: wamid) }
    }

    public func scheduleOutboxRetry(id: Int64, next: Date, errorCode: Int?, detail: String, at date: Date) async throws
        -> OutboxMessage? {
        try await changeOutbox(id: id, at: date) { $0.markRetry(at: next, errorCode: errorCode, detail: detail) }
    }

    public func failOutbox(id: Int64, errorCode: Int?, detail: String, at date: Date) async throws -> OutboxMessage? {
        try await changeOutbox(id: id, at: date) { $0.markFailed(errorCode: errorCode, detail: detail) }
    }

    public func applyMessageStatus(wamid: String, status: OutboxStatus, errorCode: Int?, detail: String?, at date: Date)
        async throws -> OutboxMessage? {
        let logger = self.logger
        return try await transaction { conn in
            guard var m = try await conn.rows("SELECT * FROM outbox WHERE wamid = \(wamid) FOR UPDATE", logger: logger)
                .first.map(PostgresRows.outbox) else { return nil }
            if status == .failed {
                m.status = .failed
                m.errorCode = errorCode ?? m.errorCode
                m.errorDetail = detail ?? m.errorDetail
            } else if PostgresRows.rank(status) > PostgresRows.rank(m.status), m.status != .failed {
                m.status = status
            }
            m.updatedAt = date
            try await Self.write(m, on: conn, logger: logger)
            _ = try await PostgresRows.refreshFollowup(m.callID, at: date, on: conn, logger: logger)
            return m
        }
    }

    public func retryOutbox(id: Int64, at date: Date) async throws -> OutboxMessage {
        let logger = self.logger
        return try await transaction { conn in
            guard var m = try await conn.rows("SELECT * FROM outbox WHERE id = \(id) FOR UPDATE", logger: logger)
                .first.map(PostgresRows.outbox) else { throw StoreError.noSuchOutboxMessage(id: id) }
            guard m.status == .failed || m.status == .pending else {
                throw StoreError.cannotRetry(id: id, status: m.status.rawValue)
            }
            m.status = .pending
            m.enqueuedAt = date
            m.nextAttemptAt = date
            m.updatedAt = date
            try await Self.write(m, on: conn, logger: logger)
            _ = try await PostgresRows.refreshFollowup(m.callID, at: date, on: conn, logger: logger)
            return m
        }
    }

    private func changeOutbox(id: Int64, at date: Date, _ change: @Sendable @escaping (inout OutboxMessage) -> Void)
        async throws -> OutboxMessage? {
        let logger = self.logger
        return try await transaction { conn in
            guard var m = try await conn.rows("SELECT * FROM outbox WHERE id = \(id) FOR UPDATE", logger: logger)
                .first.map(PostgresRows.outbox) else { return nil }
            change(&m)
            m.updatedAt = date
            try await Self.write(m, on: conn, logger: logger)
            _ = try await PostgresRows.refreshFollowup(m.callID, at: date, on: conn, logger: logger)
            return m
        }
    }

    /// Writes the row's changeable columns; a row no longer `sending` has no claim.
    static func write(_ m: OutboxMessage, on conn: PostgresConnection, logger: Logger) async throws {
        let keepsClaim = m.status == .sending
        try await conn.query("""
            UPDATE outbox SET status = \(m.status.rawValue), attempts = \(m.attempts), enqueued_at = \(m.enqueuedAt),
              next_attempt_at = \(m.nextAttemptAt), last_attempt_at = \(m.lastAttemptAt), wamid = \(m.wamid),
              error_code = \(m.errorCode), error_detail = \(m.errorDetail), updated_at = \(m.updatedAt),
              claimed_by = CASE WHEN \(keepsClaim) THEN claimed_by END,
              lease_until = CASE WHEN \(keepsClaim) THEN lease_until END
            WHERE id = \(m.id)
            """, logger: logger)
    }
}
