import Foundation
import Store
import Testing

/// A delivery's events are durable before they are acknowledged: the body is kept until each event is
/// processed, a redelivery is seen as one, and what was never processed is found again after a restart.
@Suite struct DurableDeliveryTests {
    @Test(arguments: Backend.allCases) func eventsStayPendingUntilProcessedAndSurviveAReopen(_ backend: Backend)
        async throws {
        let store = try await backend.make()
        let body = Array(#"{"object":"whatsapp_business_account"}"#.utf8)
        let keys = [Store.DeliveryKey(subjectID: "wacid.1", event: "connect", index: 0),
                    Store.DeliveryKey(subjectID: "wacid.2", event: "terminate", index: 1)]
        #expect(try await store.recordDeliveries(keys, body: body) == [true, true])
        #expect(try await store.recordDeliveries(keys, body: body) == [false, false])  // redelivered
        let reopened = try backend.reopen(store)
        let pending = try await reopened.pendingWebhookEvents()
        #expect(pending.map(\.subjectID) == ["wacid.1", "wacid.2"])
        #expect(pending.map(\.eventIndex) == [0, 1])
        #expect(pending.first?.body == body)
        try await reopened.markDeliveryProcessed(subjectID: "wacid.1", event: "connect")
        #expect(try await reopened.pendingWebhookEvents().map(\.subjectID) == ["wacid.2"])
        try await reopened.markDeliveryProcessed(subjectID: "wacid.2", event: "terminate")
        #expect(try await reopened.pendingWebhookEvents().isEmpty)
        // The body went with its last event; the delivery rows stay (they are the dedupe record).
        #expect(try await PostgresTestServer.count("SELECT COUNT(*) FROM webhook_bodies", in: reopened) == 0)
        #expect(try await reopened.recordDeliveries([keys[0]], body: body) == [false])
    }

    @Test(arguments: Backend.allCases) func aDeliveryWithOnlyRedeliveredEventsStoresNoBody(_ backend: Backend)
        async throws {
        let store = try await backend.make()
        let key = Store.DeliveryKey(subjectID: "wacid.3", event: "connect", index: 0)
        _ = try await store.recordDeliveries([key], body: [1, 2, 3])
        _ = try await store.recordDeliveries([key], body: [4, 5, 6])
        #expect(try await PostgresTestServer.count("SELECT COUNT(*) FROM webhook_bodies", in: store) == 1)
    }
}
