import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Store
import WhatsApp
import Wire

/// Takes verified, decoded webhook events: deduplicates them in SQLite while the request waits
/// (so a redelivered `connect` never starts a second call), then hands them on asynchronously, as a
/// `Service` that drains in-flight work on shutdown: a `connect` starts the call's owner in the
/// `CallService`; a `terminate` or a status reaches the owner through the registry in whatever state
/// the call is (or the finalizer directly once the owner is gone).
public final class WebhookProcessor: Service, Sendable {
    struct Work: Sendable {
        let event: WebhookEvent
        let receivedAt: ContinuousClock.Instant
        /// Its durable delivery row, marked processed once the work is done.
        var key: Store.DeliveryKey?
        /// The delivery's body and this event's place in it: what a forward to the call's owner carries.
        var body: [UInt8] = []
        var index = 0
        /// Read back from the store at start: a previous process acknowledged it and did not finish it.
        var replayed = false
    }

    let store: any CallStore
    let graph: any GraphAPI
    let catalog: FlowCatalog
    let calls: CallService
    let metrics: IVRMetrics
    let logger: Logger
    let finalizer: CallFinalizer
    /// With several instances: hands a call's terminate or status to the instance that owns the call.
    let forwarder: OwnerForwarder?
    /// Events accepted and not yet processed may not exceed this (`server.max_queued_events`).
    let maxQueued: Int
    /// Calls we place (their permission replies); nil in set-ups that do not place calls.
    let outbound: OutboundCalls?
    private let queued = NIOLockedValueBox(0)
    private let stream: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation

    public init(store: any CallStore, graph: any GraphAPI, catalog: FlowCatalog, calls: CallService, metrics: IVRMetrics,
                logger: Logger, finalizer: CallFinalizer, maxQueued: Int = 10_000, forwarder: OwnerForwarder? = nil,
                outbound: OutboundCalls? = nil) {
        self.outbound = outbound
        self.maxQueued = max(1, maxQueued)
        self.forwarder = forwarder
        self.store = store
        self.graph = graph
        self.catalog = catalog
        self.calls = calls
        self.metrics = metrics
        self.logger = logger
        self.finalizer = finalizer
        (stream, continuation) = AsyncStream.makeStream(of: Work.self)
    }

    /// Why a delivery was not taken.
    public enum SubmitError: Error, Equatable {
        /// The server drains and the delivery carries a new call: answered 503 so that WhatsApp
        /// redelivers it (to another instance behind the load balancer, or to this one after its restart).
        case draining
        /// Too many events wait to be processed (`server.max_queued_events`): 503, WhatsApp redelivers.
        case busy(queued: Int)
    }

    /// Events accepted and not yet processed (`/healthz`, the `ivr_webhook_queue_depth` gauge).
    public var queueDepth: Int { queued.withLockedValue { $0 } }

    /// Records each event's delivery and queues the new ones. Throws if the store cannot record
    /// them, so the caller answers 5xx and WhatsApp redelivers: nothing is lost. While draining, a
    /// delivery with a `connect` is refused whole (nothing recorded), so its redelivery is not a duplicate.
    ///
    /// Durable: each event's delivery row and the body it came in are committed before this returns
    /// (and so before the 200), and the row is marked processed only once the event was handled; a
    /// crash in between is made good by `replayPending()` at the next start.
    public func submit(_ events: [WebhookEvent], body: [UInt8], receivedAt: ContinuousClock.Instant = .now) async throws {
        if calls.isDraining, events.contains(where: { if case .connect = $0 { return true } else { return false } }) {
            metrics.webhookRejected(reason: "draining")
            throw SubmitError.draining
        }
        // Room for every event is taken before the store write, so deliveries that arrive together cannot
        // all pass the bound; what is not queued in the end (duplicates, a failed write) is given back.
        let (reserved, depth) = queued.withLockedValue { q -> (Bool, Int) in
            guard q + events.count <= maxQueued else { return (false, q) }
            q += events.count
            return (true, q)
        }
        guard reserved else {
            metrics.webhookRejected(reason: "queue_full")
            throw SubmitError.busy(queued: depth)
        }
        var unused = events.count
        defer {
            if unused > 0 { metrics.webhookQueueDepth(queued.withLockedValue { $0 -= unused; return $0 }) }
        }
        let keys = events.enumerated().compactMap { i, e in
            e.dedupeKey.map { Store.DeliveryKey(subjectID: $0.subject, event: $0.event, index: i) }
        }
        let fresh = try await store.recordDeliveries(keys, body: body)
        var next = 0
        for (index, event) in events.enumerated() {
            metrics.webhookReceived(kind: event.kind)
            var key: Store.DeliveryKey?
            if event.dedupeKey != nil {
                key = keys[next]
                defer { next += 1 }
                guard fresh[next] else {
                    metrics.webhookDuplicate(kind: event.kind)
                    logger.info("duplicate webhook delivery ignored", metadata: [
                        "kind": "\(event.kind)", "subject": "\(keys[next].subjectID)", "event": "\(keys[next].event)",
                    ])
                    continue
                }
            }
            unused -= 1
            enqueue(Work(event: event, receivedAt: receivedAt, key: key, body: body, index: index), reserved: true)
        }
    }

    /// `reserved`: its place in the queue was already counted (`submit`).
    func enqueue(_ work: Work, reserved: Bool = false) {
        metrics.webhookQueueDepth(queued.withLockedValue { q in
            if !reserved { q += 1 }
            return q
        })
        continuation.yield(work)
    }

    func markProcessed(_ key: Store.DeliveryKey?) async {
        guard let key else { return }
        do {
            try await store.markDeliveryProcessed(subjectID: key.subjectID, event: key.event)
        } catch {
            logger.error("cannot mark a webhook event processed", metadata: ["subject": "\(key.subjectID)", "error": "\(error)"])
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await work in stream {
                    group.addTask {
                        // A connect handed to a call's owner stays pending until the call is accepted or
                        // ends (the owner marks it): a crash before that leaves it for the next start.
                        if await self.process(work) == .handling { return self.dequeued() }
                        await self.markProcessed(work.key)
                        self.dequeued()
                    }
                }
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }

    private func dequeued() {
        metrics.webhookQueueDepth(queued.withLockedValue { $0 -= 1; return $0 })
    }

    /// Who finishes an event's delivery row.
    enum Disposition: Equatable {
        /// Handled: the row is marked processed now.
        case done
        /// A call's owner took the connect and marks it processed once the call is accepted or ends.
        case handling
    }

    @discardableResult
    func process(_ work: Work) async -> Disposition {
        switch work.event {
        case let .connect(call): return await connect(call, work: work)
        case let .terminate(t): await terminate(t, work: work)
        case let .callStatus(s):
            logger.info("call status", metadata: [
                "call_id": "\(s.callID)", "phone_number_id": "\(s.business.phoneNumberID)", "status": "\(s.status)",
            ])
            if !calls.registry.send(.progress(s.status), to: s.callID), let forwarder {
                _ = await forwarder.forward(callID: s.callID, index: work.index, body: work.body)
            }
        case let .messageStatus(m): await messageStatus(m)
        case let .permissionReply(r):
            if let outbound { await outbound.permissionReply(r) } else {
                logger.notice("call permission reply, but calls are not placed here", metadata: ["message_id": "\(r.messageID)"])
            }
        case let .unknown(u):
            logger.notice("webhook event not handled", metadata: [
                "field": "\(u.field)", "kind": "\(u.kind)", "subject": "\(u.subjectID ?? "-")",
            ])
        }
        return .done
    }

    func connect(_ call: CallConnect, work: Work) async -> Disposition {
        if call.sdpType.lowercased() == "answer" {
            answer(call)
            return .done
        }
        var log = logger
        log[metadataKey: "call_id"] = "\(call.callID)"
        log[metadataKey: "phone_number_id"] = "\(call.business.phoneNumberID)"
        log[metadataKey: "caller"] = "\(Redact.phone(call.from))"
        let route = catalog.route(phoneNumberID: call.business.phoneNumberID)
        if let route { log[metadataKey: "flow"] = "\(route.name)" }
        log.info("incoming call")
        let record = CallRecord(id: call.callID, phoneNumberID: call.business.phoneNumberID, caller: call.from,
                                direction: call.direction ?? "USER_INITIATED", flow: route?.name, status: .received,
                                receivedAt: Date())
        do {
            if try await !store.insertCall(record), await !takesOver(call.callID, replayed: work.replayed, log: log) {
                log.warning("call already recorded; connect not handled twice")
                return .done
            }
        } catch {
            log.error("cannot record call", metadata: ["error": "\(error)"])
        }
        // The owner answers, or rejects when no flow answers this number; the accept window counts from receipt.
        let waited = ContinuousClock.now - work.receivedAt
        let receivedAt = calls.context.clock.now() + (.zero - waited)
        guard !calls.start(call, route: route, receivedAt: receivedAt, logger: log) else { return .handling }
        guard calls.isDraining else {
            log.warning("connect for a call that is alive here already; not handled twice")
            return .done
        }
        // Queued before the drain began and taken after: refused here, so the row is final all the same.
        let reason = "the server is shutting down"
        var failed: String?
        do {
            try await graph.reject(callID: call.callID, phoneNumberID: call.business.phoneNumberID,
                                   deadline: work.receivedAt + calls.context.timing.acceptWindow)
        } catch {
            failed = "\(error)"
        }
        await finalizer.finalize(callID: call.callID, phoneNumberID: call.business.phoneNumberID,
                                 reason: .rejected(reason: reason, rejectFailed: failed))
        return .done
    }

    /// The call's end as WhatsApp reports it: to the call's owner, whatever state it is in; when no owner
    /// is alive (it ended, or the call was never ours), straight to the finalizer, which stores WhatsApp's
    /// figures or records the unknown call.
    func terminate(_ t: CallTerminate, work: Work? = nil) async {
        var log = logger
        log[metadataKey: "call_id"] = "\(t.callID)"
        log[metadataKey: "phone_number_id"] = "\(t.business.phoneNumberID)"
        let codes = t.errors.compactMap { $0.code }.map(String.init).joined(separator: ",")
        log.info("call terminated", metadata: [
            "status": "\(t.status?.description ?? "-")", "duration": "\(t.durationSeconds.map(String.init) ?? "-")",
            "errors": "\(codes.isEmpty ? "-" : codes)",
        ])
        var t = t
        // A call we placed is ours under our id; WhatsApp names it by its own.
        if let ours = calls.registry.callID(forWhatsAppCallID: t.callID) {
            t.callID = ours
        } else if let outbound, let ours = try? await outbound.store.callID(forWhatsAppCallID: t.callID) {
            t.callID = ours
        }
        if calls.registry.send(.terminated(t), to: t.callID) { return }
        // Not alive here: its owner may be another instance (the load balancer sent the webhook here).
        if let forwarder, let work, await forwarder.forward(callID: t.callID, index: work.index, body: work.body) {
            return
        }
        await finalizer.finalize(terminate: t)
    }

    /// An event another instance forwarded because this one owns the call: handled here, never forwarded on.
    public func handleForwarded(_ event: WebhookEvent, from: String) async {
        logger.info("forwarded webhook event", metadata: ["kind": "\(event.kind)", "from": "\(from)"])
        switch event {
        case let .terminate(t): await terminate(t)
        case let .callStatus(s): calls.registry.send(.progress(s.status), to: s.callID)
        default: logger.warning("forwarded event of a kind that is never forwarded; ignored", metadata: ["kind": "\(event.kind)"])
        }
    }

    /// A status for a message we sent (sent, delivered, read, failed): applied to its outbox row by wamid.
    func messageStatus(_ m: MessageStatusUpdate) async {
        var log = logger
        log[metadataKey: "message_id"] = "\(m.messageID)"
        log[metadataKey: "status"] = "\(m.status)"
        log[metadataKey: "recipient"] = "\(Redact.phone(m.recipientID))"
        let status: OutboxStatus
        switch m.status {
        case .sent: status = .sent
        case .delivered: status = .delivered
        case .read: status = .read
        case .failed: status = .failed
        case .other:
            log.notice("message status not tracked")
            return
        }
        let error = m.errors.first
        let detail = error.map { e in
            [e.code.map { "code \($0)" }, e.message, e.details].compactMap { $0 }.joined(separator: ": ")
        }
        do {
            if let row = try await store.applyMessageStatus(wamid: m.messageID, status: status, errorCode: error?.code,
                                                            detail: detail) {
                log.info("message status", metadata: ["call_id": "\(row.callID)", "outbox_id": "\(row.id ?? 0)"])
            } else {
                log.info("message status for a message not in the outbox")
            }
        } catch {
            log.error("cannot record message status", metadata: ["error": "\(error)"])
        }
    }
}

extension WebhookProcessor {
    /// The `connect` webhook of a call we placed carries WhatsApp's SDP answer: it goes to the call's
    /// owner by WhatsApp's id. When it outruns `connect`'s own response, it is held for 10 s.
    func answer(_ call: CallConnect) {
        let registry = calls.registry, log = logger, id = call.callID
        guard registry.sendOrHold(.answer(sdp: call.sdp), toWhatsAppCallID: id) else {
            log.warning("SDP answer for a call not placed here; ignored", metadata: ["call_id": "\(id)"])
            return
        }
        Task {
            try? await Task.sleep(for: .seconds(10))
            if registry.dropHeld(id) {
                log.warning("SDP answer for a call no owner claimed; dropped", metadata: ["call_id": "\(id)"])
            }
        }
    }
}
