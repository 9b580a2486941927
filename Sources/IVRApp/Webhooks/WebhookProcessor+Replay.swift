import Foundation
import Logging
import Store
import WhatsAppWire

/// Events acknowledged by a process that did not finish them (this instance before a restart, or a lost
/// one): read back from the store and handled now.
extension WebhookProcessor {
    /// Events a previous process acknowledged but never handled: handled now. A `connect` whose accept
    /// window has passed cannot be answered any more; it is recorded and finalized as `interrupted`.
    public func replayPending() async {
        await replay(await pendingEvents())
    }

    /// This store's events not yet processed, oldest first (empty, and logged, when they cannot be read).
    public func pendingEvents() async -> [PendingWebhookEvent] {
        do {
            return try await store.pendingWebhookEvents()
        } catch {
            logger.error("cannot read pending webhook events", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// The calls whose pending `connect` is still inside its accept window: `replay` answers them, so
    /// the start-up reconciliation must not finalize them as interrupted.
    public func answerableConnects(_ pending: [PendingWebhookEvent], now: Date = Date()) -> Set<String> {
        let window = calls.context.timing.acceptWindow.seconds
        return Set(pending.filter { $0.event == "connect" && now.timeIntervalSince($0.receivedAt) < window }.map(\.subjectID))
    }

    /// Replays events read back from the store (this instance's after a restart, or a dead instance's).
    func replay(_ pending: [PendingWebhookEvent]) async {
        for p in pending {
            let key = Store.DeliveryKey(subjectID: p.subjectID, event: p.event, index: p.eventIndex)
            guard let events = try? WebhookDecoder.decode(p.body), events.indices.contains(p.eventIndex) else {
                logger.error("a stored webhook event cannot be read again; dropped", metadata: ["subject": "\(p.subjectID)"])
                await markProcessed(key)
                continue
            }
            let age = Date().timeIntervalSince(p.receivedAt)
            let event = events[p.eventIndex]
            logger.notice("replaying a webhook event accepted before a restart", metadata: [
                "kind": "\(event.kind)", "subject": "\(p.subjectID)", "age_s": "\(Int(max(0, min(age, 1e9))))",
            ])
            if case let .connect(call) = event, age >= calls.context.timing.acceptWindow.seconds {
                await missed(call, receivedAt: p.receivedAt)
                await markProcessed(key)
                continue
            }
            let waited = Duration.milliseconds(Int64(max(0, min(age, 86_400)) * 1000))
            enqueue(Work(event: event, receivedAt: .now - waited, key: key, body: p.body, index: p.eventIndex,
                         replayed: true))
        }
    }

    /// A call we acknowledged but could not answer before its window closed: recorded and finalized.
    fileprivate func missed(_ call: CallConnect, receivedAt: Date) async {
        let row = CallRecord(id: call.callID, phoneNumberID: call.business.phoneNumberID, caller: call.from,
                             direction: call.direction ?? "USER_INITIATED", status: .received, receivedAt: receivedAt)
        do {
            try await store.insertCall(row)
        } catch {
            logger.error("cannot record call", metadata: ["call_id": "\(call.callID)", "error": "\(error)"])
        }
        await finalizer.finalize(callID: call.callID, phoneNumberID: call.business.phoneNumberID, reason: .interrupted)
    }


    /// A replayed connect whose row a killed process left unanswered (received or pre-accepted, not
    /// finalized): the caller may still be ringing, so this process answers it.
    func takesOver(_ callID: String, replayed: Bool, log: Logger) async -> Bool {
        guard replayed, let row = try? await store.call(id: callID), row.finalizedAt == nil,
              CallService.answerable(row.status) else { return false }
        log.notice("answering a call a previous process acknowledged and did not answer",
                   metadata: ["status_was": "\(row.status.rawValue)"])
        return true
    }
}
