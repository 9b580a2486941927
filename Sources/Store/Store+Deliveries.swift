import Foundation
import GRDB

extension Store {
    /// One event of a delivery, by its dedupe key and its place in the body.
    public struct DeliveryKey: Sendable, Equatable {
        public var subjectID: String
        public var event: String
        public var index: Int

        public init(subjectID: String, event: String, index: Int) {
            self.subjectID = subjectID
            self.event = event
            self.index = index
        }
    }

    /// Records a delivery's events durably, in one transaction, before it is acknowledged: the body is
    /// kept with every event seen for the first time, so a crash before processing loses nothing
    /// (`pendingWebhookEvents` replays them). Returns, per key, whether it is new (false: a redelivery).
    public func recordDeliveries(_ keys: [DeliveryKey], body: [UInt8], at date: Date) async throws -> [Bool] {
        try await write { db in
            var fresh: [Bool] = []
            var bodyID: Int64?
            for key in keys {
                let seen = try Self.delivery(db, subjectID: key.subjectID, event: key.event) != nil
                if seen {
                    fresh.append(false)
                    continue
                }
                if bodyID == nil {
                    try db.execute(sql: "INSERT INTO webhook_bodies (body, received_at) VALUES (?, ?)",
                                   arguments: [Data(body), StoredDate.databaseValue(date)])
                    bodyID = db.lastInsertedRowID
                }
                try WebhookDelivery(subjectID: key.subjectID, event: key.event, receivedAt: date, bodyID: bodyID,
                                    eventIndex: key.index).insert(db)
                fresh.append(true)
            }
            return fresh
        }
    }

    /// One delivery row, through a cached statement (a query-interface request builds its SQL on every call: 1 % of
    /// ivrd's CPU at 250 calls for the two uses on every webhook).
    static func delivery(_ db: Database, subjectID: String, event: String) throws -> WebhookDelivery? {
        try SQLRequest<WebhookDelivery>(sql: "SELECT * FROM webhook_deliveries WHERE subject_id = ? AND event = ?",
                                        arguments: [subjectID, event], cached: true).fetchOne(db)
    }

    /// The event has been handled: it will not be replayed. Its body goes once none of its events is pending.
    public func markDeliveryProcessed(subjectID: String, event: String, at date: Date) async throws {
        try await write { db in
            guard var row = try Self.delivery(db, subjectID: subjectID, event: event),
                  row.processedAt == nil else { return }
            row.processedAt = date
            try row.update(db)
            guard let bodyID = row.bodyID else { return }
            let pending = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM webhook_deliveries WHERE body_id = ? AND processed_at IS NULL
                """, arguments: [bodyID]) ?? 0
            if pending == 0 {
                try db.execute(sql: "DELETE FROM webhook_bodies WHERE id = ?", arguments: [bodyID])
            }
        }
    }

    /// Events acknowledged but never processed (the process died first), oldest first.
    public func pendingWebhookEvents() async throws -> [PendingWebhookEvent] {
        try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.subject_id, d.event, d.event_index, d.received_at, b.body
                FROM webhook_deliveries d JOIN webhook_bodies b ON b.id = d.body_id
                WHERE d.processed_at IS NULL
                ORDER BY d.received_at, d.body_id, d.event_index
                """)
            return rows.compactMap { row -> PendingWebhookEvent? in
                guard let index: Int = row["event_index"], let data: Data = row["body"] else { return nil }
                return PendingWebhookEvent(subjectID: row["subject_id"], event: row["event"], eventIndex: index,
                                           body: Array(data), receivedAt: row["received_at"])
            }
        }
    }
}
