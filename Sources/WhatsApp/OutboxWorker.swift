import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Store

/// Sends the follow-up messages queued in the store's `outbox` table, as a swift-service-lifecycle `Service`.
///
/// Each round claims the due `pending` rows (marking them `sending`, one more attempt), posts each through
/// `GraphAPI.send`, and records the result: the `wamid` (`sent`); for 429, 5xx, timeouts and transport
/// failures a retry after an exponential backoff with jitter, until the message is `policy.maxAge` old;
/// for any other failure (4xx such as 131026) `failed`, with the error code and the API's details kept.
/// Later statuses (delivered, read, failed) arrive by webhook and are applied with `Store.applyMessageStatus`.
///
/// The worker is woken by `wake()` as soon as a row is queued, and otherwise polls every `policy.pollInterval`
/// (or sooner, when a retry falls due), so rows queued by another process (`ivrd calls outbox retry`) are
/// picked up too.
///
/// **Durability and the duplicate window.** A row is committed in the same transaction as the call's outcome,
/// so a crash before the send loses nothing: the row is `pending` and is sent after the restart. Rows found
/// `sending` at start-up belong to a process that died between claiming the row and recording the answer;
/// whether the API received that request is unknown, so they are sent again. That is the one window in which
/// a message can reach the user twice: from the moment the request leaves until its answer is committed
/// (one request timeout at most, plus the SQLite write). It could be closed with an idempotency key the
/// API honours (the row id as a request header or `biz_opaque_callback_data`, if the BSP deduplicates on
/// it) or by asking the API whether a message for this row already exists before re-sending; Meta's Cloud
/// API offers neither today, so the worker accepts at most one duplicate per crash.
public final class OutboxWorker: Service, Sendable {
    let store: any CallStore
    let graph: any GraphAPI
    public let policy: OutboxPolicy
    let logger: Logger
    let metricsFactory: any MetricsFactory
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    private let wakeups: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    /// `graph` should not retry on its own (`RetryPolicy.none`): the worker schedules retries itself, durably.
    public init(store: any CallStore, graph: any GraphAPI, policy: OutboxPolicy = OutboxPolicy(), logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory,
                now: @escaping @Sendable () -> Date = { Date() },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.store = store
        self.graph = graph
        self.policy = policy
        self.logger = logger
        self.metricsFactory = metricsFactory
        self.now = now
        self.random = random
        (wakeups, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks the worker to look for due messages now (call after committing outbox rows).
    public func wake() {
        wakeContinuation.yield()
    }

    public func run() async throws {
        do {
            let resumed = try await store.resumeInterruptedOutbox(now: now())
            if resumed > 0 {
                logger.warning("outbox messages interrupted mid-send by a restart are sent again; each may reach the user twice",
                               metadata: ["count": "\(resumed)"])
            }
        } catch {
            logger.error("cannot resume the outbox", metadata: ["error": "\(error)"])
        }
        if policy.paused {
            logger.notice("outbox worker paused (outbox.paused / IVR_OUTBOX_PAUSED): follow-up messages stay queued")
        }
        let continuation = wakeContinuation
        await withGracefulShutdownHandler {
            var wakeups = self.wakeups.makeAsyncIterator()
            while !Task.isCancelled {
                await self.drain()
                let wait = await self.nextWait()
                let timer = Task {
                    try? await Task.sleep(for: wait)
                    if !Task.isCancelled { continuation.yield() }
                }
                let woken: Void? = await wakeups.next()
                timer.cancel()
                if woken == nil { break }
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        await flushBeforeExit()
    }

    /// A bounded last round on shutdown: what is due now is sent within `policy.shutdownFlush`; what
    /// does not make it stays queued for the next start.
    func flushBeforeExit() async {
        guard !policy.paused, policy.shutdownFlush > .zero, !Task.isCancelled else { return }
        let limit = policy.shutdownFlush
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.drain(duringShutdown: true) }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Sends every due message, a batch at a time, until none is due (or shutdown begins).
    func drain(duringShutdown: Bool = false) async {
        guard !policy.paused else { return }
        while (duringShutdown || !Task.isShuttingDownGracefully) && !Task.isCancelled {
            let batch: [OutboxMessage]
            do {
                batch = try await store.claimDueOutbox(now: now(), limit: policy.batchSize)
            } catch {
                logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
                return
            }
            if batch.isEmpty { return }
            await withDiscardingTaskGroup { group in
                for message in batch {
                    group.addTask { await self.deliver(message) }
                }
            }
        }
    }

    /// How long to sleep when not woken: until the next retry falls due, at most the poll interval.
    func nextWait() async -> Duration {
        guard !policy.paused, let due = try? await store.nextOutboxDue() else { return policy.pollInterval }
        let seconds = due.timeIntervalSince(now())
        if seconds <= 0 { return .zero }
        // A due date further away than the poll interval (or not finite) waits one interval.
        guard seconds.isFinite, seconds < policy.pollInterval.seconds else { return policy.pollInterval }
        let wait = Duration.milliseconds(Int64((seconds * 1000).rounded(.up)))
        return min(wait, policy.pollInterval)
    }

    func deliver(_ message: OutboxMessage) async {
        guard let id = message.id else { return }
        var log = logger
        log[metadataKey: "call_id"] = "\(message.callID)"
        log[metadataKey: "outbox_id"] = "\(id)"
        log[metadataKey: "rule"] = "\(message.ruleKey)"
        log[metadataKey: "to"] = "\(Redact.phone(message.recipient))"
        log[metadataKey: "attempt"] = "\(message.attempts)"
        let maxAge = policy.maxAge.seconds
        if now().timeIntervalSince(message.enqueuedAt) > maxAge {
            let last = message.errorDetail.map { "; last error: \($0)" } ?? ""
            await fail(id, code: message.errorCode,
                       detail: "not sent within outbox.max_age_seconds (\(Int(maxAge)) s)\(last)", log: log)
            return
        }
        let outbound: OutboundMessage
        do {
            outbound = try JSONDecoder().decode(OutboundMessage.self, from: Data(message.messageJSON.utf8))
        } catch {
            await fail(id, code: nil, detail: "stored message is unreadable: \(error)", log: log)
            return
        }
        let graphError: GraphError
        do {
            let wamid = try await graph.send(outbound, phoneNumberID: message.phoneNumberID, deadline: nil)
            do {
                try await store.markOutboxSent(id: id, wamid: wamid, at: now())
            } catch {
                // The message went out; the row stays `sending` and would be sent again after a restart.
                log.error("follow-up sent but not recorded", metadata: ["wamid": "\(wamid)", "error": "\(error)"])
                return
            }
            count("sent")
            log.info("follow-up sent", metadata: ["wamid": "\(wamid)"])
            return
        } catch let error as GraphError {
            graphError = error
        } catch {
            graphError = .transport(action: "messages", reason: "\(error)")
        }
        let last = graphError.final
        guard last.isRetryable else {
            await fail(id, code: graphError.code, detail: graphError.description, log: log)
            return
        }
        let wait = policy.backoff.delay(afterAttempt: message.attempts, random: random())
        let next = now().addingTimeInterval(wait.seconds)
        if next.timeIntervalSince(message.enqueuedAt) > maxAge {
            await fail(id, code: graphError.code,
                       detail: "gave up after \(message.attempts) attempt(s) within outbox.max_age_seconds: \(last)", log: log)
            return
        }
        do {
            try await store.scheduleOutboxRetry(id: id, next: next, errorCode: graphError.code, detail: last.description,
                                                at: now())
        } catch {
            log.error("cannot schedule the follow-up retry", metadata: ["error": "\(error)"])
            return
        }
        count("retry")
        log.warning("follow-up send failed; will retry", metadata: ["error": "\(last)", "retry_in_ms": "\(Int(wait.seconds * 1000))"])
    }

    private func fail(_ id: Int64, code: Int?, detail: String, log: Logger) async {
        do {
            try await store.failOutbox(id: id, errorCode: code, detail: detail, at: now())
        } catch {
            log.error("cannot record the follow-up failure", metadata: ["error": "\(error)"])
        }
        count("failed")
        log.error("follow-up failed", metadata: ["error": "\(detail)", "code": "\(code.map(String.init) ?? "-")"])
    }

    private func count(_ result: String) {
        Counter(label: "ivr_outbox_sends_total", dimensions: [("result", result)], factory: metricsFactory).increment()
    }
}

extension GraphError {
    /// The failure behind a `gaveUp`.
    var final: GraphError {
        if case let .gaveUp(_, _, last) = self { return last.final }
        return self
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
