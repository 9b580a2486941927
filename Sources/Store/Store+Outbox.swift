import Foundation
import GRDB

/// The outbox's state changes. Each runs in one transaction and keeps the call's `followup_status` in step.
extension Store {
    public func outboxMessage(id: Int64) async throws -> OutboxMessage? {
        try await writer.read { db in try OutboxMessage.fetchOne(db, key: id) }
    }

    /// Messages in the given states (all when nil), oldest first.
    public func outboxMessages(statuses: [OutboxStatus]?, callID: String?, limit: Int) async throws
        -> [OutboxMessage] {
        try await writer.read { db in
            var request = OutboxMessage.all()
            if let statuses { request = request.filter(statuses.map(\.rawValue).contains(Column("status"))) }
            if let callID { request = request.filter(Column("call_id") == callID) }
            return try request.order(Column("created_at"), Column("id")).limit(limit).fetchAll(db)
        }
    }

    /// Marks the pending messages due by `now` as `sending` (one more attempt) and returns them.
    public func claimDueOutbox(now: Date, limit: Int) async throws -> [OutboxMessage] {
        try await write { db in
            let due = try OutboxMessage.filter(Column("status") == OutboxStatus.pending.rawValue
                                                && Column("next_attempt_at") <= now)
                .order(Column("next_attempt_at"), Column("id")).limit(limit).fetchAll(db)
            return try due.map { message in
                var m = message
                m.status = .sending
                m.attempts += 1
                m.lastAttemptAt = now
                m.updatedAt = now
                try m.update(db)
                try Self.refreshFollowup(db, callID: m.callID, at: now)
                return m
            }
        }
    }

    /// The earliest `next_attempt_at` of a pending message.
    public func nextOutboxDue() async throws -> Date? {
        try await writer.read { db in
            try Date.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'")
        }
    }

    /// Start-up: rows left `sending` by a process that died mid-request go back to `pending`, due now.
    /// Returns how many. (Such a message may already have reached the API: see `OutboxWorker`.)
    public func resumeInterruptedOutbox(now: Date) async throws -> Int {
        try await write { db in
            let ids = try String.fetchAll(db, sql: "SELECT DISTINCT call_id FROM outbox WHERE status = 'sending'")
            try db.execute(sql: """
                UPDATE outbox SET status = 'pending', next_attempt_at = ?, updated_at = ? WHERE status = 'sending'
                """, arguments: [now, now])
            let count = db.changesCount
            for id in ids { try Self.refreshFollowup(db, callID: id, at: now) }
            return count
        }
    }

    /// The API accepted the message.
    @discardableResult
    public func markOutboxSent(id: Int64, wamid: String, at date: Date) async throws -> OutboxMessage? {
        try await changeOutbox(id: id, at: date) { $0.markSent(wamid: wamid) }
    }

    /// A retryable failure: back to `pending` until `next`, the error kept for `outbox` listings.
    @discardableResult
    public func scheduleOutboxRetry(id: Int64, next: Date, errorCode: Int?, detail: String, at date: Date) async throws
        -> OutboxMessage? {
        try await changeOutbox(id: id, at: date) { $0.markRetry(at: next, errorCode: errorCode, detail: detail) }
    }

    /// A final failure, with the API's error code and details.
    @discardableResult
    public func failOutbox(id: Int64, errorCode: Int?, detail: String, at date: Date) async throws -> OutboxMessage? {
        try await changeOutbox(id: id, at: date) { $0.markFailed(errorCode: errorCode, detail: detail) }
    }

    /// A message-status webhook (`sent`, `delivered`, `read`, `failed`) for the message with this wamid.
    /// Statuses only move forward (a late `delivered` does not undo `read`); `failed` keeps its error.
    /// Returns the updated row, or nil when no row has this wamid.
    @discardableResult
    public func applyMessageStatus(wamid: String, status: OutboxStatus, errorCode: Int?, detail: String?,
                                   at date: Date) async throws -> OutboxMessage? {
        try await write { db in
            guard var m = try OutboxMessage.filter(Column("wamid") == wamid).fetchOne(db) else { return nil }
            if status == .failed {
                m.status = .failed
                m.errorCode = errorCode ?? m.errorCode
                m.errorDetail = detail ?? m.errorDetail
            } else if status.deliveryRank > m.status.deliveryRank, m.status != .failed {
                m.status = status
            }
            m.updatedAt = date
            try m.update(db)
            try Self.refreshFollowup(db, callID: m.callID, at: date)
            return m
        }
    }

    /// `ivrd calls outbox retry ID`: a failed (or pending) message is due again now, with a fresh retry window.
    public func retryOutbox(id: Int64, at date: Date) async throws -> OutboxMessage {
        try await write { db in
            guard var m = try OutboxMessage.fetchOne(db, key: id) else { throw StoreError.noSuchOutboxMessage(id: id) }
            guard m.status == .failed || m.status == .pending else {
                throw StoreError.cannotRetry(id: id, status: m.status.rawValue)
            }
            m.status = .pending
            m.enqueuedAt = date
            m.nextAttemptAt = date
            m.updatedAt = date
            try m.update(db)
            try Self.refreshFollowup(db, callID: m.callID, at: date)
            return m
        }
    }

    private func changeOutbox(id: Int64, at date: Date, _ change: @Sendable @escaping (inout OutboxMessage) -> Void)
        async throws -> OutboxMessage? {
        try await write { db in
            guard var m = try OutboxMessage.fetchOne(db, key: id) else { return nil }
            change(&m)
            m.updatedAt = date
            try m.update(db)
            try Self.refreshFollowup(db, callID: m.callID, at: date)
            return m
        }
    }
}
