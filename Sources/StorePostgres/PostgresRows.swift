import Foundation
import Logging
import PostgresNIO
import Store

/// Rows to records and back. Column names are the SQLite schema's (the records' coding keys).
extension PostgresRandomAccessRow {
    func value<T: PostgresDecodable>(_ column: String, as: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }

    func raw<T: RawRepresentable>(_ column: String, table: String, as: T.Type = T.self) throws -> T
        where T.RawValue == String {
        let text: String = try value(column)
        guard let v = T(rawValue: text) else { throw StoreError.badValue(table: table, column: column, value: text) }
        return v
    }
}

enum PostgresRows {
    static func call(_ r: PostgresRandomAccessRow) throws -> CallRecord {
        var c = CallRecord(id: try r.value("id"), phoneNumberID: try r.value("phone_number_id"),
                           caller: try r.value("caller"), direction: try r.value("direction"),
                           flow: try r.value("flow"), status: try r.raw("status", table: "calls"),
                           reason: try r.value("reason"), receivedAt: try r.value("received_at"),
                           connectedAt: try r.value("connected_at"), endedAt: try r.value("ended_at"),
                           durationSeconds: try r.value("duration_seconds"), updatedAt: try r.value("updated_at"))
        c.finalizedAt = try r.value("finalized_at")
        c.endReason = try r.value("end_reason")
        c.flowVersion = try r.value("flow_version")
        c.pathJSON = try r.value("path_json")
        c.inputsJSON = try r.value("inputs_json")
        c.variablesJSON = try r.value("variables_json")
        c.waStatus = try r.value("wa_status")
        c.waStartTime = try r.value("wa_start_time")
        c.waEndTime = try r.value("wa_end_time")
        c.setupPreAcceptMs = try r.value("setup_pre_accept_ms")
        c.setupConnectedMs = try r.value("setup_connected_ms")
        c.setupFirstAudioMs = try r.value("setup_first_audio_ms")
        c.errorCodes = try r.value("error_codes")
        c.followupStatus = try r.value("followup_status")
        c.recordingConsent = try r.value("recording_consent")
        c.instanceID = try r.value("instance_id")
        return c
    }

    static func event(_ r: PostgresRandomAccessRow) throws -> CallEvent {
        CallEvent(id: try r.value("id"), callID: try r.value("call_id"), at: try r.value("at"),
                  kind: try r.raw("kind", table: "call_events"), detail: try r.value("detail"))
    }

    static func outbox(_ r: PostgresRandomAccessRow) throws -> OutboxMessage {
        OutboxMessage(id: try r.value("id"), callID: try r.value("call_id"), ruleKey: try r.value("rule_key"),
                      phoneNumberID: try r.value("phone_number_id"), recipient: try r.value("recipient"),
                      messageJSON: try r.value("message_json"), status: try r.raw("status", table: "outbox"),
                      attempts: try r.value("attempts"), createdAt: try r.value("created_at"),
                      enqueuedAt: try r.value("enqueued_at"), nextAttemptAt: try r.value("next_attempt_at"),
                      lastAttemptAt: try r.value("last_attempt_at"), wamid: try r.value("wamid"),
                      errorCode: try r.value("error_code"), errorDetail: try r.value("error_detail"),
                      updatedAt: try r.value("updated_at"))
    }

    static func insertCall(_ c: CallRecord, on conn: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await conn.rows("""
            INSERT INTO calls (id, phone_number_id, caller, direction, flow, status, reason, received_at, connected_at,
              ended_at, duration_seconds, updated_at, instance_id)
            VALUES (\(c.id), \(c.phoneNumberID), \(c.caller), \(c.direction), \(c.flow), \(c.status.rawValue),
              \(c.reason), \(c.receivedAt), \(c.connectedAt), \(c.endedAt), \(c.durationSeconds), \(c.updatedAt),
              \(c.instanceID))
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, logger: logger)
        guard !rows.isEmpty else { return false }
        // The outcome columns of a row inserted whole (an unknown call finalized by its terminate).
        try await updateCall(c, on: conn, logger: logger)
        return true
    }

    /// Writes every column of the row.
    static func updateCall(_ c: CallRecord, on conn: PostgresConnection, logger: Logger) async throws {
        try await conn.query("""
            UPDATE calls SET phone_number_id = \(c.phoneNumberID), caller = \(c.caller), direction = \(c.direction),
              flow = \(c.flow), status = \(c.status.rawValue), reason = \(c.reason), received_at = \(c.receivedAt),
              connected_at = \(c.connectedAt), ended_at = \(c.endedAt), duration_seconds = \(c.durationSeconds),
              updated_at = \(c.updatedAt), finalized_at = \(c.finalizedAt), end_reason = \(c.endReason),
              flow_version = \(c.flowVersion), path_json = \(c.pathJSON), inputs_json = \(c.inputsJSON),
              variables_json = \(c.variablesJSON), wa_status = \(c.waStatus), wa_start_time = \(c.waStartTime),
              wa_end_time = \(c.waEndTime), setup_pre_accept_ms = \(c.setupPreAcceptMs),
              setup_connected_ms = \(c.setupConnectedMs), setup_first_audio_ms = \(c.setupFirstAudioMs),
              error_codes = \(c.errorCodes), followup_status = \(c.followupStatus),
              recording_consent = \(c.recordingConsent), instance_id = \(c.instanceID)
            WHERE id = \(c.id)
            """, logger: logger)
    }

    static func lockedCall(_ id: String, on conn: PostgresConnection, logger: Logger) async throws -> CallRecord? {
        try await conn.rows("SELECT * FROM calls WHERE id = \(id) FOR UPDATE", logger: logger).first.map(call)
    }

    static func events(_ callID: String, on conn: PostgresConnection, logger: Logger) async throws -> [CallEvent] {
        try await conn.rows("SELECT * FROM call_events WHERE call_id = \(callID) ORDER BY at, id", logger: logger)
            .map(event)
    }

    /// The call's follow-up state from its outbox rows (see `Store.followupSummary`).
    static func refreshFollowup(_ callID: String, at date: Date, on conn: PostgresConnection, logger: Logger)
        async throws -> String {
        let statuses = try await conn.rows("SELECT DISTINCT status FROM outbox WHERE call_id = \(callID)", logger: logger)
            .compactMap { OutboxStatus(rawValue: try $0.value("status")) }
            .sorted { Self.rank($0) < Self.rank($1) }
        let summary = statuses.isEmpty ? "none" : statuses.map(\.rawValue).joined(separator: "/")
        try await conn.query("UPDATE calls SET followup_status = \(summary), updated_at = \(date) WHERE id = \(callID)",
                             logger: logger)
        return summary
    }

    /// `OutboxStatus.deliveryRank` (internal to Store), the same order.
    static func rank(_ s: OutboxStatus) -> Int {
        switch s {
        case .pending, .sending: return 0
        case .sent: return 1
        case .delivered: return 2
        case .read: return 3
        case .failed: return 4
        }
    }
}
