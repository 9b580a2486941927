import Foundation
import Logging
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
    }

    let store: Store
    let graph: any GraphAPI
    let catalog: FlowCatalog
    let calls: CallService
    let metrics: IVRMetrics
    let logger: Logger
    let finalizer: CallFinalizer
    private let stream: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation

    public init(store: Store, graph: any GraphAPI, catalog: FlowCatalog, calls: CallService, metrics: IVRMetrics,
                logger: Logger, finalizer: CallFinalizer) {
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
    }

    /// Records each event's delivery and queues the new ones. Throws if the store cannot record
    /// them, so the caller answers 5xx and WhatsApp redelivers: nothing is lost. While draining, a
    /// delivery with a `connect` is refused whole (nothing recorded), so its redelivery is not a duplicate.
    public func submit(_ events: [WebhookEvent], receivedAt: ContinuousClock.Instant = .now) async throws {
        if calls.isDraining, events.contains(where: { if case .connect = $0 { return true } else { return false } }) {
            metrics.webhookRejected(reason: "draining")
            throw SubmitError.draining
        }
        for event in events {
            metrics.webhookReceived(kind: event.kind)
            if let key = event.dedupeKey {
                guard try await store.recordDelivery(subjectID: key.subject, event: key.event) else {
                    metrics.webhookDuplicate(kind: event.kind)
                    logger.info("duplicate webhook delivery ignored", metadata: [
                        "kind": "\(event.kind)", "subject": "\(key.subject)", "event": "\(key.event)",
                    ])
                    continue
                }
            }
            continuation.yield(Work(event: event, receivedAt: receivedAt))
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await work in stream {
                    group.addTask { await self.process(work) }
                }
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }

    func process(_ work: Work) async {
        switch work.event {
        case let .connect(call): await connect(call, work: work)
        case let .terminate(t): await terminate(t)
        case let .callStatus(s):
            logger.info("call status", metadata: [
                "call_id": "\(s.callID)", "phone_number_id": "\(s.business.phoneNumberID)", "status": "\(s.status)",
            ])
            calls.registry.send(.progress(s.status), to: s.callID)
        case let .messageStatus(m): await messageStatus(m)
        case let .unknown(u):
            logger.notice("webhook event not handled", metadata: [
                "field": "\(u.field)", "kind": "\(u.kind)", "subject": "\(u.subjectID ?? "-")",
            ])
        }
    }

    func connect(_ call: CallConnect, work: Work) async {
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
            guard try await store.insertCall(record) else {
                log.warning("call already recorded; connect not handled twice")
                return
            }
        } catch {
            log.error("cannot record call", metadata: ["error": "\(error)"])
        }
        // The owner answers, or rejects when no flow answers this number; the accept window counts from receipt.
        let waited = ContinuousClock.now - work.receivedAt
        let receivedAt = calls.context.clock.now() + (.zero - waited)
        guard !calls.start(call, route: route, receivedAt: receivedAt, logger: log) else { return }
        guard calls.isDraining else {
            log.warning("connect for a call that is alive here already; not handled twice")
            return
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
    }

    /// The call's end as WhatsApp reports it: to the call's owner, whatever state it is in; when no owner
    /// is alive (it ended, or the call was never ours), straight to the finalizer, which stores WhatsApp's
    /// figures or records the unknown call.
    func terminate(_ t: CallTerminate) async {
        var log = logger
        log[metadataKey: "call_id"] = "\(t.callID)"
        log[metadataKey: "phone_number_id"] = "\(t.business.phoneNumberID)"
        let codes = t.errors.compactMap { $0.code }.map(String.init).joined(separator: ",")
        log.info("call terminated", metadata: [
            "status": "\(t.status?.description ?? "-")", "duration": "\(t.durationSeconds.map(String.init) ?? "-")",
            "errors": "\(codes.isEmpty ? "-" : codes)",
        ])
        if !calls.registry.send(.terminated(t), to: t.callID) {
            await finalizer.finalize(terminate: t)
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
