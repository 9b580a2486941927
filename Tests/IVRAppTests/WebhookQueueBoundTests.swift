import Foundation
@testable import IVRApp
import IVRTesting
import Testing
@testable import WhatsAppWire

/// `server.max_queued_events` holds when deliveries arrive together: room is taken before the store
/// write, so of many concurrent deliveries exactly as many as fit are accepted and the rest are told
/// to come back (503, WhatsApp redelivers). Nothing consumes the queue here (the server is not run).
@Suite(.serialized) struct WebhookQueueBoundTests {
    @Test func concurrentDeliveriesNeverPassTheBound() async throws {
        let h = try await WebhookHTTPTests.harness { $0.server.maxQueuedEvents = 3 }
        let processor = h.server.processor
        let bodies = try (0..<12).map { try WebhookHTTPTests.connectBody(callID: "wacid.BOUND-\($0)") }
        let accepted = await withTaskGroup(of: Bool.self) { group in
            for body in bodies {
                group.addTask {
                    do {
                        try await processor.submit(try WebhookDecoder.decode(body), body: body)
                        return true
                    } catch WebhookProcessor.SubmitError.busy {
                        return false
                    } catch {
                        Issue.record("unexpected: \(error)")
                        return false
                    }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 3)
        #expect(processor.queueDepth == 3)
        // Only the accepted deliveries were recorded: a refused one is not a duplicate when it comes back.
        let pending = try await h.server.store.pendingWebhookEvents().map(\.subjectID).sorted()
        #expect(pending.count == 3)
        await h.close()
    }

    @Test func aDuplicateGivesItsRoomBack() async throws {
        let h = try await WebhookHTTPTests.harness { $0.server.maxQueuedEvents = 2 }
        let processor = h.server.processor
        let body = try WebhookHTTPTests.connectBody(callID: "wacid.BOUND-DUP")
        try await processor.submit(try WebhookDecoder.decode(body), body: body)
        try await processor.submit(try WebhookDecoder.decode(body), body: body)  // the same event again
        #expect(processor.queueDepth == 1)
        let other = try WebhookHTTPTests.connectBody(callID: "wacid.BOUND-OTHER")
        try await processor.submit(try WebhookDecoder.decode(other), body: other)
        #expect(processor.queueDepth == 2)
        await #expect(throws: WebhookProcessor.SubmitError.self) {
            let third = try WebhookHTTPTests.connectBody(callID: "wacid.BOUND-THIRD")
            try await processor.submit(try WebhookDecoder.decode(third), body: third)
        }
        await h.close()
    }
}
