import Foundation
import Logging
import PostgresNIO
import Store

/// The calls we place and the permissions they need, shared by every instance. A permission row is
/// changed under `FOR UPDATE`, so two instances counting unanswered calls for one user never lose a count.
extension PostgresStore: OutboundStore {
    public func insertOutboundCall(_ request: OutboundCallRecord, row: CallRecord) async throws -> Bool {
        var call = row
        if call.instanceID == nil { call.instanceID = instanceID }
        let logger = self.logger
        return try await transaction { [call] conn in
            guard try await PostgresRows.insertCall(call, on: conn, logger: logger) else { return false }
            try await Self.insertOutboundRequest(request, on: conn, logger: logger)
            return true
        }
    }

    /// The request's `outbound_calls` row, inside the caller's transaction (its `calls` row inserted first).
    static func insertOutboundRequest(_ r: OutboundCallRecord, on conn: PostgresConnection, logger: Logger) async throws {
        try await conn.query("""
            INSERT INTO outbound_calls (id, phone_number_id, recipient, flow, variables_json, biz_opaque_callback_data,
              wa_call_id, created_at)
            VALUES (\(r.id), \(r.phoneNumberID), \(r.recipient), \(r.flow), \(r.variablesJSON),
              \(r.bizOpaqueCallbackData), \(r.waCallID), \(r.createdAt))
            """, logger: logger)
    }

    public func outboundCall(id: String) async throws -> OutboundCallRecord? {
        try await rows("SELECT * FROM outbound_calls WHERE id = \(id)").first.map(Self.outboundCall)
    }

    public func setWhatsAppCallID(_ waCallID: String, forCall id: String) async throws {
        _ = try await rows("UPDATE outbound_calls SET wa_call_id = \(waCallID) WHERE id = \(id)")
    }

    public func callID(forWhatsAppCallID waCallID: String) async throws -> String? {
        try await rows("SELECT id FROM outbound_calls WHERE wa_call_id = \(waCallID)").first?.value("id")
    }

    public func permission(phoneNumberID: String, user: String) async throws -> PermissionRecord? {
        try await rows("""
            SELECT * FROM permissions WHERE phone_number_id = \(phoneNumberID) AND user_id = \(user)
            """).first.map(Self.permission)
    }

    public func savePermission(phoneNumberID: String, user: String, status: String, expiresAt: Date?,
                               permissionJSON: String?, checkedAt: Date, cacheUntil: Date?) async throws {
        try await changePermission(phoneNumberID: phoneNumberID, user: user, at: checkedAt) { p in
            p.applyCheck(status: status, expiresAt: expiresAt, permissionJSON: permissionJSON, checkedAt: checkedAt,
                         cacheUntil: cacheUntil)
        }
    }

    @discardableResult
    public func recordOutboundAttempt(phoneNumberID: String, user: String, answered: Bool, at date: Date) async throws
        -> Int {
        try await changePermission(phoneNumberID: phoneNumberID, user: user, at: date) { p in
            p.consecutiveUnanswered = answered ? 0 : p.consecutiveUnanswered + 1
        }.consecutiveUnanswered
    }

    public func recordPermissionRequest(phoneNumberID: String, user: String, at date: Date) async throws {
        try await changePermission(phoneNumberID: phoneNumberID, user: user, at: date) { p in
            p.lastRequestAt = date
            p.cacheUntil = nil
        }
    }

    public func applyPermissionReply(phoneNumberID: String, user: String, granted: Bool, permanent: Bool,
                                     expiresAt: Date?, at date: Date) async throws {
        try await changePermission(phoneNumberID: phoneNumberID, user: user, at: date) { p in
            p.applyReply(granted: granted, permanent: permanent, expiresAt: expiresAt)
        }
    }

    /// Reads (locked) or starts the user's row, changes it, and writes it back, in one transaction.
    @discardableResult
    private func changePermission(phoneNumberID: String, user: String, at date: Date,
                                  _ change: @Sendable @escaping (inout PermissionRecord) -> Void) async throws
        -> PermissionRecord {
        let logger = self.logger
        return try await transaction { conn in
            // The empty row first, so two first changes for one user serialize on its lock.
            try await conn.query("""
                INSERT INTO permissions (phone_number_id, user_id, status, updated_at)
                VALUES (\(phoneNumberID), \(user), 'no_permission', \(date)) ON CONFLICT DO NOTHING
                """, logger: logger)
            guard let locked = try await conn.rows("""
                SELECT * FROM permissions WHERE phone_number_id = \(phoneNumberID) AND user_id = \(user) FOR UPDATE
                """, logger: logger).first else {
                throw StoreError.badValue(table: "permissions", column: "user_id", value: "row vanished")
            }
            var p = try Self.permission(locked)
            change(&p)
            p.updatedAt = date
            try await conn.query("""
                UPDATE permissions SET status = \(p.status), expires_at = \(p.expiresAt),
                  permission_json = \(p.permissionJSON), checked_at = \(p.checkedAt), cache_until = \(p.cacheUntil),
                  consecutive_unanswered = \(p.consecutiveUnanswered), last_request_at = \(p.lastRequestAt),
                  updated_at = \(p.updatedAt)
                WHERE phone_number_id = \(phoneNumberID) AND user_id = \(user)
                """, logger: logger)
            return p
        }
    }

    static func outboundCall(_ r: PostgresRandomAccessRow) throws -> OutboundCallRecord {
        OutboundCallRecord(id: try r.value("id"), phoneNumberID: try r.value("phone_number_id"),
                           recipient: try r.value("recipient"), flow: try r.value("flow"),
                           variablesJSON: try r.value("variables_json"),
                           bizOpaqueCallbackData: try r.value("biz_opaque_callback_data"),
                           waCallID: try r.value("wa_call_id"), createdAt: try r.value("created_at"))
    }

    static func permission(_ r: PostgresRandomAccessRow) throws -> PermissionRecord {
        PermissionRecord(phoneNumberID: try r.value("phone_number_id"), userID: try r.value("user_id"),
                         status: try r.value("status"), expiresAt: try r.value("expires_at"),
                         permissionJSON: try r.value("permission_json"), checkedAt: try r.value("checked_at"),
                         cacheUntil: try r.value("cache_until"), consecutiveUnanswered: try r.value("consecutive_unanswered"),
                         lastRequestAt: try r.value("last_request_at"), updatedAt: try r.value("updated_at"))
    }
}

/// Calls to place later (see `ScheduledCallRecord`).
extension PostgresStore: ScheduledCallStore {
    public func insertScheduledCall(_ row: ScheduledCallRecord) async throws -> Bool {
        let logger = self.logger
        return try await transaction { conn in try await Self.insertScheduledCall(row, on: conn, logger: logger) }
    }

    /// The insert inside a caller's transaction. False when the dedupe key (or campaign row) exists.
    static func insertScheduledCall(_ s: ScheduledCallRecord, on conn: PostgresConnection, logger: Logger) async throws
        -> Bool {
        try await !conn.rows("""
            INSERT INTO scheduled_calls (id, phone_number_id, recipient, flow, variables_json, biz_opaque_callback_data,
              origin, origin_call_id, campaign_id, campaign_row, dedupe_key, not_before, state, attempts, call_id,
              last_result, claimed_by, claimed_until, created_at, updated_at)
            VALUES (\(s.id), \(s.phoneNumberID), \(s.recipient), \(s.flow), \(s.variablesJSON), \(s.bizOpaqueCallbackData),
              \(s.origin.rawValue), \(s.originCallID), \(s.campaignID), \(s.campaignRow), \(s.dedupeKey), \(s.notBefore),
              \(s.state.rawValue), \(s.attempts), \(s.callID), \(s.lastResult), \(s.claimedBy), \(s.claimedUntil),
              \(s.createdAt), \(s.updatedAt))
            ON CONFLICT DO NOTHING RETURNING id
            """, logger: logger).isEmpty
    }

    public func scheduledCall(id: String) async throws -> ScheduledCallRecord? {
        try await rows("SELECT * FROM scheduled_calls WHERE id = \(id)").first.map(Self.scheduledCall)
    }

    static func scheduledCall(_ r: PostgresRandomAccessRow) throws -> ScheduledCallRecord {
        ScheduledCallRecord(id: try r.value("id"), phoneNumberID: try r.value("phone_number_id"),
                            recipient: try r.value("recipient"), flow: try r.value("flow"),
                            variablesJSON: try r.value("variables_json"),
                            bizOpaqueCallbackData: try r.value("biz_opaque_callback_data"),
                            origin: try r.raw("origin", table: "scheduled_calls"),
                            originCallID: try r.value("origin_call_id"), campaignID: try r.value("campaign_id"),
                            campaignRow: try r.value("campaign_row"), dedupeKey: try r.value("dedupe_key"),
                            notBefore: try r.value("not_before"), state: try r.raw("state", table: "scheduled_calls"),
                            attempts: try r.value("attempts"), callID: try r.value("call_id"),
                            lastResult: try r.value("last_result"), claimedBy: try r.value("claimed_by"),
                            claimedUntil: try r.value("claimed_until"), createdAt: try r.value("created_at"),
                            updatedAt: try r.value("updated_at"))
    }
}

/// The console's list of scheduled calls, and cancelling one (under `FOR UPDATE`, so a dialer's claim and a
/// cancel never both win).
extension PostgresStore: ScheduledCallListing {
    public func scheduledCalls(state: ScheduledCallRecord.State?, origin: ScheduledCallRecord.Origin?, limit: Int,
                               offset: Int) async throws -> ScheduledCallPage {
        let state = state?.rawValue, origin = origin?.rawValue
        let filter: PostgresQuery = """
            SELECT * FROM scheduled_calls
            WHERE (\(state)::text IS NULL OR state = \(state)) AND (\(origin)::text IS NULL OR origin = \(origin))
            ORDER BY created_at DESC, id DESC LIMIT \(max(1, limit)) OFFSET \(max(0, offset))
            """
        let page = try await rows(filter).map(Self.scheduledCall)
        let total: Int = try await rows("""
            SELECT count(*) AS n FROM scheduled_calls
            WHERE (\(state)::text IS NULL OR state = \(state)) AND (\(origin)::text IS NULL OR origin = \(origin))
            """).first?.value("n") ?? 0
        return ScheduledCallPage(rows: page, total: total)
    }

    public func cancelScheduledCall(id: String, at date: Date) async throws -> ScheduledCallRecord {
        let logger = self.logger
        return try await transaction { conn in
            guard let locked = try await conn.rows("SELECT * FROM scheduled_calls WHERE id = \(id) FOR UPDATE",
                                                   logger: logger).first else {
                throw ScheduledCallCancelError.notFound(id: id)
            }
            var row = try Self.scheduledCall(locked)
            guard !row.state.isFinal else { throw ScheduledCallCancelError.final(id: id, state: row.state) }
            row.cancel(at: date)
            try await conn.query("""
                UPDATE scheduled_calls SET state = 'cancelled', last_result = 'cancelled', claimed_by = NULL,
                  claimed_until = NULL, updated_at = \(date)
                WHERE id = \(id)
                """, logger: logger)
            return row
        }
    }
}
