import Foundation
import NIOCore
import PostgresNIO
import Store

/// The `instances` table: heartbeats, and the calls and events of instances that stopped beating.
extension PostgresStore: InstanceDirectory {
    public func heartbeat(internalURL: String, mediaAddress: String, flowVersions: String, now: Date) async throws {
        _ = try await rows("""
            INSERT INTO instances (id, internal_url, media_address, started_at, last_seen, flow_versions)
            VALUES (\(instanceID), \(internalURL), \(mediaAddress), \(now), \(now), \(flowVersions))
            ON CONFLICT (id) DO UPDATE SET internal_url = EXCLUDED.internal_url,
              media_address = EXCLUDED.media_address, last_seen = EXCLUDED.last_seen,
              flow_versions = EXCLUDED.flow_versions
            """)
    }

    public func instance(id: String) async throws -> InstanceRecord? {
        try await rows("SELECT * FROM instances WHERE id = \(id)").first.map(Self.instanceRecord)
    }

    public func instances() async throws -> [InstanceRecord] {
        try await rows("SELECT * FROM instances ORDER BY id").map(Self.instanceRecord)
    }

    public func orphanedCalls(seenBefore cutoff: Date) async throws -> [CallRecord] {
        try await rows("""
            SELECT c.* FROM calls c
            WHERE c.finalized_at IS NULL AND c.instance_id IS NOT NULL AND c.instance_id <> \(instanceID)
              AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = c.instance_id AND i.last_seen >= \(cutoff))
            ORDER BY c.received_at
            """).map(PostgresRows.call)
    }

    public func adoptPendingEvents(seenBefore cutoff: Date) async throws -> [PendingWebhookEvent] {
        let logger = self.logger, me = instanceID
        return try await transaction { conn in
            let moved = try await conn.rows("""
                UPDATE webhook_deliveries d SET accepted_by = \(me)
                WHERE d.processed_at IS NULL AND d.body_id IS NOT NULL AND d.accepted_by IS NOT NULL
                  AND d.accepted_by <> \(me)
                  AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = d.accepted_by AND i.last_seen >= \(cutoff))
                RETURNING d.subject_id, d.event, d.event_index, d.received_at,
                  (SELECT body FROM webhook_bodies b WHERE b.id = d.body_id) AS body
                """, logger: logger)
            return try moved.compactMap { row -> PendingWebhookEvent? in
                guard let index: Int = try row.value("event_index"), let body: ByteBuffer = try row.value("body") else {
                    return nil
                }
                return PendingWebhookEvent(subjectID: try row.value("subject_id"), event: try row.value("event"),
                                           eventIndex: index, body: Array(body.readableBytesView),
                                           receivedAt: try row.value("received_at"))
            }.sorted { $0.receivedAt < $1.receivedAt }
        }
    }

    static func instanceRecord(_ r: PostgresRandomAccessRow) throws -> InstanceRecord {
        InstanceRecord(id: try r.value("id"), internalURL: try r.value("internal_url"),
                       mediaAddress: try r.value("media_address"), startedAt: try r.value("started_at"),
                       lastSeen: try r.value("last_seen"), flowVersions: try r.value("flow_versions"))
    }
}
