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

    /// The id the Graph API knows a call by: ours for a call made to us, WhatsApp's for one we placed (none
    /// until WhatsApp answered its `connect`).
    public func graphCallID(forCall id: String) async -> CallFinalizer.GraphCallID {
        guard let outbound, let row = try? await outbound.store.outboundCall(id: id) else { return .same }
        return row.waCallID.map { .other($0) } ?? .none
    }

    /// What replaying `pending` will do to calls a previous process left unfinalized, so the start-up
    /// reconciliation leaves those calls to it.
    public func plan(_ pending: [PendingWebhookEvent], now: Date = Date()) async -> ReplayPlan {
        var plan = ReplayPlan()
        let window = calls.context.timing.acceptWindow.seconds
        for p in pending {
            switch p.event {
            case "connect" where now.timeIntervalSince(p.receivedAt) < window:
                plan.answerable.insert(p.subjectID)
            case "terminate":
                // A call we placed is ours under our id; WhatsApp names it by its own.
                let ours = try? await outbound?.store.callID(forWhatsAppCallID: p.subjectID)
                plan.terminated.insert((ours ?? nil) ?? p.subjectID)
            default:
                continue
            }
        }
        return plan
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

/// What the events read back at start will do to the calls a previous process left unfinalized.
public struct ReplayPlan: Sendable, Equatable {
    /// Calls whose `connect` is replayed inside its accept window: answered then if they never were.
    public var answerable: Set<String> = []
    /// Calls a replayed `terminate` ends, with WhatsApp's status and figures.
    public var terminated: Set<String> = []

    public init(answerable: Set<String> = [], terminated: Set<String> = []) {
        self.answerable = answerable
        self.terminated = terminated
    }

    /// Whether the start-up reconciliation leaves `row` to the replay instead of finalizing it `interrupted`.
    public func leaves(_ row: CallRecord) -> Bool {
        terminated.contains(row.id) || (answerable.contains(row.id) && CallService.answerable(row.status))
    }
}
