import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import IVRTesting
import Logging
import ServiceLifecycle
import Store
import Testing
import WhatsApp

/// The outbox worker against the loopback Graph stand-in: retries, permanent failures, restarts, wake-ups.
@Suite struct OutboxWorkerTests {
    static let message = OutboundMessage.voiceCallButton(to: "13175551234", body: "Sorry we missed you",
                                                         displayText: "Call us", ttlMinutes: 1440, payload: "missed")

    struct Harness {
        let store: Store
        let standIn: GraphStandIn
        let worker: OutboxWorker
        let group: ServiceGroup
        let task: Task<Void, any Error>

        func stop() async {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            await standIn.stop()
        }

        var messageRequests: [GraphStandIn.Recorded] { standIn.requests.filter { $0.path.hasSuffix("/messages") } }
    }

    static func policy(paused: Bool = false, poll: Duration = .seconds(3600), maxAge: Duration = .seconds(3600))
        -> OutboxPolicy {
        OutboxPolicy(backoff: RetryPolicy(baseDelay: .milliseconds(5), maxDelay: .milliseconds(20), jitter: 0.5),
                     maxAge: maxAge, pollInterval: poll, paused: paused)
    }

    /// Starts a worker over `store` (new in-memory one by default); `before` runs on the stand-in and store first.
    static func start(store: Store? = nil, policy: OutboxPolicy = policy(),
                      before: (GraphStandIn, Store) async throws -> Void = { _, _ in },
                      now: @escaping @Sendable () -> Date = { Date() }) async throws -> Harness {
        let store = try store ?? Store(inMemoryNamed: "outbox-\(UUID().uuidString)")
        let standIn = try await GraphStandIn.start()
        try await before(standIn, store)
        var logger = Logger(label: "outbox-test")
        logger.logLevel = .critical
        let graph = GraphClient(http: .shared, endpoint: .meta(baseURL: standIn.baseURL, accessToken: "T"), retry: .none,
                                requestTimeout: .seconds(60), logger: logger)
        let worker = OutboxWorker(store: store, graph: graph, policy: policy, logger: logger, now: now)
        let group = ServiceGroup(configuration: .init(services: [worker], logger: logger))
        let task = Task { try await group.run() }
        return Harness(store: store, standIn: standIn, worker: worker, group: group, task: task)
    }

    /// Queues one message for a new call, as the finalizer does.
    @discardableResult
    static func enqueue(_ store: Store, callID: String = "wacid.1", at date: Date = Date()) async throws -> Int64 {
        let json = String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
        let call = CallRecord(id: callID, phoneNumberID: "106540352242922", caller: "13175551234", status: .completed,
                              receivedAt: date)
        let done = try await store.finalizeCall(id: callID, at: date, ifMissing: call, endDetail: "test") { _, _, _ in
            [OutboxDraft(ruleKey: "missed", recipient: "13175551234", messageJSON: json)]
        }
        guard case let .finalized(_, enqueued)? = done, let id = enqueued.first?.id else {
            throw OutboxTestError.notQueued
        }
        return id
    }

    enum OutboxTestError: Error { case notQueued }

    @Test func outboundMessagesEncodeToAStableJSONAndBack() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(Self.message), as: UTF8.self)
        #expect(text == #"{"voiceCallButton":{"body":"Sorry we missed you","displayText":"Call us","payload":"missed","to":"13175551234","ttlMinutes":1440}}"#)
        #expect(try JSONDecoder().decode(OutboundMessage.self, from: Data(text.utf8)) == Self.message)
        let template = OutboundMessage.template(to: "1", name: "call_us", languageCode: "en_US", ttlMinutes: nil, payload: nil)
        #expect(try JSONDecoder().decode(OutboundMessage.self, from: encoder.encode(template)) == template)
    }

    @Test func twoServerErrorsThenSuccessDeliversOneMessage() async throws {
        let h = try await Self.start { standIn, _ in
            standIn.script(.error(status: 500, code: 1, message: "boom"), .error(status: 503, code: 2, message: "busy"))
        }
        let id = try await Self.enqueue(h.store)
        h.worker.wake()
        let store = h.store
        #expect(try await eventually { try await store.outboxMessage(id: id)?.status == .sent })
        let row = try await store.outboxMessage(id: id)
        let requests = h.messageRequests
        await h.stop()
        #expect(requests.count == 3)
        #expect(row?.attempts == 3)
        #expect(row?.wamid == "wamid.STANDIN1")
        #expect(row?.errorCode == nil)
        #expect(requests.last?.json?["to"] as? String == "13175551234")
        #expect(requests.last?.path == "/v23.0/106540352242922/messages")
        #expect(try await store.call(id: "wacid.1")?.followupStatus == "sent")
    }

    @Test func aClientErrorFailsAtOnceKeepingTheCode() async throws {
        let h = try await Self.start { standIn, _ in
            standIn.script(.error(status: 400, code: 131026, message: "Message undeliverable", type: "OAuthException",
                                  details: "receiver app too old", fbtraceID: "TRACE9"))
        }
        let id = try await Self.enqueue(h.store)
        h.worker.wake()
        let store = h.store
        #expect(try await eventually { try await store.outboxMessage(id: id)?.status == .failed })
        // Give a wrongly scheduled retry the chance to happen before counting.
        h.worker.wake()
        try await Task.sleep(for: .milliseconds(100))
        let row = try await store.outboxMessage(id: id)
        let requests = h.messageRequests
        await h.stop()
        #expect(requests.count == 1)
        #expect(row?.errorCode == 131026)
        #expect(row?.attempts == 1)
        #expect(row?.errorDetail == "graph messages failed with HTTP 400, code 131026 (OAuthException): Message undeliverable; details: receiver app too old [fbtrace_id TRACE9]")
        #expect(try await store.call(id: "wacid.1")?.followupStatus == "failed")
    }

    @Test func rowsLeftSendingByACrashAreSentAfterTheRestart() async throws {
        let h = try await Self.start(policy: Self.policy(poll: .milliseconds(20))) { _, store in
            let id = try await Self.enqueue(store)
            let claimed = try await store.claimDueOutbox(now: Date())  // the "crashed" process claimed it
            #expect(claimed.map(\.id) == [id])
        }
        let store = h.store
        #expect(try await eventually { try await store.outboxMessages(statuses: [.sent]).count == 1 })
        let row = try await store.outboxMessages().first
        let requests = h.messageRequests
        await h.stop()
        #expect(requests.count == 1)
        #expect(row?.attempts == 2)
    }

    @Test func aQueuedRowIsSentWhenWokenWithoutWaitingForThePoll() async throws {
        let h = try await Self.start(policy: Self.policy(poll: .seconds(3600)))
        // Let the worker go to sleep on its hour-long poll first.
        try await Task.sleep(for: .milliseconds(50))
        let id = try await Self.enqueue(h.store)
        h.worker.wake()
        let store = h.store
        #expect(try await eventually { try await store.outboxMessage(id: id)?.status == .sent })
        await h.stop()
    }

    @Test func pausedWorkersSendNothingAndTooOldMessagesFail() async throws {
        let paused = try await Self.start(policy: Self.policy(paused: true, poll: .milliseconds(10)))
        let id = try await Self.enqueue(paused.store)
        paused.worker.wake()
        try await Task.sleep(for: .milliseconds(100))
        #expect(paused.messageRequests.isEmpty)
        #expect(try await paused.store.outboxMessage(id: id)?.status == .pending)
        await paused.stop()

        let old = try await Self.start(policy: Self.policy(maxAge: .seconds(60))) { _, store in
            try await Self.enqueue(store, callID: "wacid.OLD", at: Date().addingTimeInterval(-120))
        }
        let store = old.store
        #expect(try await eventually { try await store.outboxMessages(statuses: [.failed]).count == 1 })
        let row = try await store.outboxMessages().first
        let requests = old.messageRequests
        await old.stop()
        #expect(requests.isEmpty)
        #expect(row?.errorDetail == "not sent within outbox.max_age_seconds (60 s)")
    }

    @Test func retryableFailuresPastTheMaximumAgeFail() async throws {
        // The worker's clock is ours: the first attempt happens "now", then time jumps past the
        // maximum age while the stand-in keeps answering 429, so the next retry gives up.
        let clock = NIOLockedValueBox(Date())
        let h = try await Self.start(policy: Self.policy(maxAge: .seconds(60)), before: { standIn, _ in
            for _ in 0..<50 { standIn.script(.error(status: 429, code: 130429, message: "rate limit")) }
        }, now: { clock.withLockedValue { $0 } })
        let id = try await Self.enqueue(h.store, at: clock.withLockedValue { $0 })
        h.worker.wake()
        #expect(try await eventually { h.messageRequests.count >= 1 })
        clock.withLockedValue { $0 = $0.addingTimeInterval(120) }
        h.worker.wake()
        let store = h.store
        #expect(try await eventually(attempts: 800) { try await store.outboxMessage(id: id)?.status == .failed })
        let row = try await store.outboxMessage(id: id)
        await h.stop()
        #expect(row?.errorCode == 130429)
        // Either the retry that would pass the limit, or the check before a send, gives up; both keep the cause.
        let detail = row?.errorDetail ?? ""
        #expect(detail.hasPrefix("gave up after ") || detail.hasPrefix("not sent within outbox.max_age_seconds (60 s); last error: "))
        #expect(detail.contains("graph messages failed with HTTP 429, code 130429"))
    }
}
