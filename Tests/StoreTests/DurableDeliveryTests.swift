import Foundation
import Store
import Testing

/// A delivery's events are durable before they are acknowledged: the body is kept until each event is
/// processed, a redelivery is seen as one, and what was never processed is found again after a restart.
@Suite struct DurableDeliveryTests {
    func store() throws -> (Store, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ivr-durable-\(UUID().uuidString).sqlite").path
        return (try Store(path: path), path)
    }

    @Test func eventsStayPendingUntilProcessedAndSurviveAReopen() async throws {
        let (store, path) = try store()
        let body = Array(#"{"object":"whatsapp_business_account"}"#.utf8)
        let keys = [Store.DeliveryKey(subjectID: "wacid.1", event: "connect", index: 0),
                    Store.DeliveryKey(subjectID: "wacid.2", event: "terminate", index: 1)]
        #expect(try await store.recordDeliveries(keys, body: body) == [true, true])
        #expect(try await store.recordDeliveries(keys, body: body) == [false, false])  // redelivered
        let reopened = try Store(path: path)
        let pending = try await reopened.pendingWebhookEvents()
        #expect(pending.map(\.subjectID) == ["wacid.1", "wacid.2"])
        #expect(pending.map(\.eventIndex) == [0, 1])
        #expect(pending.first?.body == body)
        try await reopened.markDeliveryProcessed(subjectID: "wacid.1", event: "connect")
        #expect(try await reopened.pendingWebhookEvents().map(\.subjectID) == ["wacid.2"])
        try await reopened.markDeliveryProcessed(subjectID: "wacid.2", event: "terminate")
        #expect(try await reopened.pendingWebhookEvents().isEmpty)
        // The body went with its last event; the delivery rows stay (they are the dedupe record).
        let bodies = try await reopened.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_bodies") }
        #expect(bodies == 0)
        #expect(try await reopened.recordDeliveries([keys[0]], body: body) == [false])
    }

    @Test func aDeliveryWithOnlyRedeliveredEventsStoresNoBody() async throws {
        let (store, _) = try store()
        let key = Store.DeliveryKey(subjectID: "wacid.3", event: "connect", index: 0)
        _ = try await store.recordDeliveries([key], body: [1, 2, 3])
        _ = try await store.recordDeliveries([key], body: [4, 5, 6])
        let bodies = try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_bodies") }
        #expect(bodies == 1)
    }
}
