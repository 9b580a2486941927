import Foundation
import NIOCore
import PostgresNIO
import Store

/// Webhook deliveries. The (subject, event) primary key is the dedupe across instances: two instances
/// recording the same delivery at once both insert, PostgreSQL makes the second wait for the first's
/// commit and then skip it (`ON CONFLICT DO NOTHING`), so exactly one sees it as new.
extension PostgresStore {
    public func recordDelivery(subjectID: String, event: String, at date: Date) async throws -> Bool {
        try await !rows("""
            INSERT INTO webhook_deliveries (subject_id, event, received_at, accepted_by)
            VALUES (\(subjectID), \(event), \(date), \(instanceID)) ON CONFLICT DO NOTHING RETURNING subject_id
            """).isEmpty
    }

    public func recordDeliveries(_ keys: [Store.DeliveryKey], body: [UInt8], at date: Date) async throws -> [Bool] {
        let logger = self.logger, me = instanceID
        return try await transaction { conn in
            let stored = try await conn.rows("""
                INSERT INTO webhook_bodies (body, received_at) VALUES (\(ByteBuffer(bytes: body)), \(date)) RETURNING id
                """, logger: logger)
            guard let bodyID: Int64 = try stored.first?.value("id") else { return keys.map { _ in false } }
            var fresh: [Bool] = []
            for key in keys {
                let inserted = try await conn.rows("""
                    INSERT INTO webhook_deliveries (subject_id, event, received_at, body_id, event_index, accepted_by)
                    VALUES (\(key.subjectID), \(key.event), \(date), \(bodyID), \(key.index), \(me))
                    ON CONFLICT DO NOTHING RETURNING subject_id
                    """, logger: logger)
                fresh.append(!inserted.isEmpty)
            }
            if !fresh.contains(true) {
                try await conn.query("DELETE FROM webhook_bodies WHERE id = \(bodyID)", logger: logger)
            }
            return fresh
        }
    }

    public func markDeliveryProcessed(subjectID: String, event: String, at date: Date) async throws {
        let logger = self.logger
        try await transaction { conn in
            let marked = try await conn.rows("""
                UPDATE webhook_deliveries SET processed_at = \(date)
                WHERE subject_id = \(subjectID) AND event = \(event) AND processed_at IS NULL RETURNING body_id
                """, logger: logger)
            guard let bodyID: Int64 = try marked.first?.value("body_id") else { return }
            try await conn.query("""
                DELETE FROM webhook_bodies WHERE id = \(bodyID) AND NOT EXISTS
                  (SELECT 1 FROM webhook_deliveries WHERE body_id = \(bodyID) AND processed_at IS NULL)
                """, logger: logger)
        }
    }

    /// Events this instance accepted (or that no live instance holds) and never processed, oldest first.
    public func pendingWebhookEvents() async throws -> [PendingWebhookEvent] {
        try await rows("""
            SELECT d.subject_id, d.event, d.event_index, d.received_at, b.body
            FROM webhook_deliveries d JOIN webhook_bodies b ON b.id = d.body_id
            WHERE d.processed_at IS NULL AND (d.accepted_by = \(instanceID) OR d.accepted_by IS NULL)
            ORDER BY d.received_at, d.body_id, d.event_index
            """).compactMap { row -> PendingWebhookEvent? in
            guard let index: Int = try row.value("event_index") else { return nil }
            let body: ByteBuffer = try row.value("body")
            return PendingWebhookEvent(subjectID: try row.value("subject_id"), event: try row.value("event"),
                                       eventIndex: index, body: Array(body.readableBytesView),
                                       receivedAt: try row.value("received_at"))
        }
    }

    public func deliveryCount(subjectID: String) async throws -> Int {
        try await rows("SELECT count(*) AS n FROM webhook_deliveries WHERE subject_id = \(subjectID)")
            .first?.value("n") ?? 0
    }
}
