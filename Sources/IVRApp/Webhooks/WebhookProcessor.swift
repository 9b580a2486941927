import Foundation
import Logging
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
    private let stream: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation

    public init(store: Store, graph: any GraphAPI, catalog: FlowCatalog, handler: any CallHandler, metrics: IVRMetrics,
                logger: Logger, acceptWindow: Duration = .seconds(30)) {
        self.store = store
        self.graph = graph
        self.catalog = catalog
        self.handler = handler
        self.metrics = metrics
        self.logger = logger
        self.acceptWindow = acceptWindow
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
        case let .connect(call): await connect(call, receivedAt: work.receivedAt)
        case let .terminate(t): await terminate(t)
        case let .callStatus(s):
            logger.info("call status", metadata: [
                "call_id": "\(s.callID)", "phone_number_id": "\(s.business.phoneNumberID)", "status": "\(s.status)",
            ])
        case let .messageStatus(m):
            logger.info("message status", metadata: [
                "message_id": "\(m.messageID)", "status": "\(m.status)", "recipient": "\(Redact.phone(m.recipientID))",
            ])
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

    func terminate(_ t: CallTerminate) async {
        var log = logger
        log[metadataKey: "call_id"] = "\(t.callID)"
        log[metadataKey: "phone_number_id"] = "\(t.business.phoneNumberID)"
        let status: CallStatus = t.status == .completed ? .completed : .failed
        let codes = t.errors.compactMap { $0.code }.map(String.init).joined(separator: ",")
        let ended = t.endTime.flatMap(Double.init).map { Date(timeIntervalSince1970: $0) } ?? Date()
        let started = t.startTime.flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
        log.info("call terminated", metadata: [
            "status": "\(t.status?.description ?? "-")", "duration": "\(t.durationSeconds.map(String.init) ?? "-")",
            "errors": "\(codes.isEmpty ? "-" : codes)",
        ])
        do {
            let updated = try await store.updateCall(id: t.callID) { row in
                if row.status != .rejected { row.status = status }
                if let started { row.connectedAt = row.connectedAt ?? started }
                row.endedAt = ended
                row.durationSeconds = t.durationSeconds
                if !codes.isEmpty { row.reason = [row.reason, "whatsapp errors \(codes)"].compactMap { $0 }.joined(separator: "; ") }
            }
            if updated == nil {
                log.notice("terminate for a call this server never saw")
                try await store.insertCall(CallRecord(
                    id: t.callID, phoneNumberID: t.business.phoneNumberID, caller: t.from ?? "",
                    status: status, reason: "terminate for an unknown call", receivedAt: Date(), connectedAt: started,
                    endedAt: ended, durationSeconds: t.durationSeconds))
            }
        } catch {
            log.error("cannot record call end", metadata: ["error": "\(error)"])
        }
        await handler.terminated(t, logger: log)
    }
}
