import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Store
import WhatsApp

/// Takes verified, decoded webhook events: deduplicates them in SQLite while the request waits
/// (so a redelivered `connect` never starts a second call), then does the work asynchronously,
/// one task per event, as a `Service` that drains in-flight work on shutdown.
public final class WebhookProcessor: Service, Sendable {
    struct Work: Sendable {
        let event: WebhookEvent
        let receivedAt: ContinuousClock.Instant
    }

    let store: Store
    let graph: any GraphAPI
    let catalog: FlowCatalog
    let handler: any CallHandler
    let metrics: IVRMetrics
    let logger: Logger
    let acceptWindow: Duration
    let finalizer: CallFinalizer
    private let stream: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation
    private let depth = NIOLockedValueBox(0)

    /// Events queued or being handled (for `/healthz`).
    public var queueDepth: Int { depth.withLockedValue { $0 } }

    public init(store: Store, graph: any GraphAPI, catalog: FlowCatalog, handler: any CallHandler, metrics: IVRMetrics,
                logger: Logger, acceptWindow: Duration = .seconds(30), finalizer: CallFinalizer? = nil) {
        self.store = store
        self.graph = graph
        self.catalog = catalog
        self.handler = handler
        self.metrics = metrics
        self.logger = logger
        self.acceptWindow = acceptWindow
        self.finalizer = finalizer ?? CallFinalizer(store: store, graph: graph, logger: logger,
                                                    metricsFactory: metrics.factory)
        (stream, continuation) = AsyncStream.makeStream(of: Work.self)
    }

    /// Records each event's delivery and queues the new ones. Throws if the store cannot record
    /// them, so the caller answers 5xx and WhatsApp redelivers: nothing is lost.
    public func submit(_ events: [WebhookEvent], receivedAt: ContinuousClock.Instant = .now) async throws {
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
            depth.withLockedValue { $0 += 1 }
            continuation.yield(Work(event: event, receivedAt: receivedAt))
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await work in stream {
                    group.addTask {
                        await self.process(work)
                        self.depth.withLockedValue { $0 -= 1 }
                    }
                }
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }

    func process(_ work: Work) async {
        switch work.event {
        case let .connect(call): await connect(call, receivedAt: work.receivedAt)
        case let .terminate(t): await terminate(t)
        case let .callStatus(s):
            logger.info("call status", metadata: [
                "call_id": "\(s.callID)", "phone_number_id": "\(s.business.phoneNumberID)", "status": "\(s.status)",
            ])
        case let .messageStatus(m): await messageStatus(m)
        case let .unknown(u):
            logger.notice("webhook event not handled", metadata: [
                "field": "\(u.field)", "kind": "\(u.kind)", "subject": "\(u.subjectID ?? "-")",
            ])
        }
    }

    func connect(_ call: CallConnect, receivedAt: ContinuousClock.Instant) async {
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
        guard let route else {
            await reject(call, reason: "no flow answers phone_number_id \(call.business.phoneNumberID) and no default flow is set",
                         receivedAt: receivedAt, logger: log)
            return
        }
        switch await handler.handle(call, route: route, logger: log) {
        case .answered:
            metrics.call(outcome: "answered")
        case let .cannotAnswer(reason):
            await reject(call, reason: reason, receivedAt: receivedAt, logger: log)
        }
    }

    func reject(_ call: CallConnect, reason: String, receivedAt: ContinuousClock.Instant, logger: Logger) async {
        logger.warning("rejecting call", metadata: ["reason": "\(reason)"])
        var status = CallStatus.rejected
        var recorded = reason
        do {
            try await graph.reject(callID: call.callID, phoneNumberID: call.business.phoneNumberID,
                                   deadline: receivedAt + acceptWindow)
            metrics.call(outcome: "rejected")
        } catch {
            status = .failed
            recorded = "\(reason); reject failed: \(error)"
            metrics.call(outcome: "reject_failed")
            logger.error("reject action failed", metadata: ["error": "\(error)"])
        }
        let final = status, why = recorded
        do {
            try await store.updateCall(id: call.callID) { row in
                row.status = final
                row.reason = why
                row.endedAt = Date()
            }
        } catch {
            logger.error("cannot record call rejection", metadata: ["error": "\(error)"])
        }
    }

    /// The call's end as WhatsApp reports it: finalized once (see `CallFinalizer`), then any media stopped.
    func terminate(_ t: CallTerminate) async {
        var log = logger
        log[metadataKey: "call_id"] = "\(t.callID)"
        log[metadataKey: "phone_number_id"] = "\(t.business.phoneNumberID)"
        let codes = t.errors.compactMap { $0.code }.map(String.init).joined(separator: ",")
        log.info("call terminated", metadata: [
            "status": "\(t.status?.description ?? "-")", "duration": "\(t.durationSeconds.map(String.init) ?? "-")",
            "errors": "\(codes.isEmpty ? "-" : codes)",
        ])
        await finalizer.finalize(terminate: t)
        await handler.terminated(t, logger: log)
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
