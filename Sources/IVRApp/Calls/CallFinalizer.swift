import Foundation
import Logging
import Metrics
import Store
import WhatsApp
import Wire
import Flow

/// What a finalization did.
public enum FinalizeResult: Sendable, Equatable {
    /// This call committed the outcome (and queued `enqueued` follow-ups).
    case finalized(CallOutcome, enqueued: Int)
    /// The call was already final; nothing was logged or queued again.
    case alreadyFinalized
    /// No row for this call id (our side only; a terminate for an unknown call is recorded).
    case unknownCall
    /// The store failed; the error text.
    case storeFailed(String)
}

/// Ends calls exactly once. Both ends lead here: WhatsApp's `terminate` webhook (`finalize(terminate:)`)
/// and our own hang-up — flow `hangup`, media failure, consent loss (`finalize(callID:phoneNumberID:reason:)`,
/// which then sends the Graph `terminate` action). Whichever comes first commits, in one transaction,
/// the outcome columns, an `end` event and the planner's follow-ups in `outbox`, guarded by
/// `calls.finalized_at`; the second only adds WhatsApp's figures if it carries them. After the commit,
/// exactly one `call.outcome` log line is written and the outbox worker is woken.
///
/// While the call runs, the media/flow side records its progress here: `recordFlow`, `recordEvent`
/// (steps, prompts, keys, keywords, HTTP call-outs, set-up milestones) and `recordVariables`.
public final class CallFinalizer: Sendable {
    let store: any CallStore
    let graph: any GraphAPI
    let planner: any FollowupPlanner
    let outbox: OutboxWorker?
    let logger: Logger
    let metricsFactory: any MetricsFactory
    let now: @Sendable () -> Date

    public static let unknownCallReason = "terminate for an unknown call"

    /// Which id the Graph `terminate` action names: the call's own (WhatsApp called us), WhatsApp's id
    /// of a call we placed, or none (a call we placed that WhatsApp never took).
    public enum GraphCallID: Sendable, Equatable {
        case same
        case other(String)
        case none
    }
    public static let redactedValue = "***"

    public init(store: any CallStore, graph: any GraphAPI, planner: any FollowupPlanner = NoFollowups(),
                outbox: OutboxWorker? = nil, logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.graph = graph
        self.planner = planner
        self.outbox = outbox
        self.logger = logger
        self.metricsFactory = metricsFactory
        self.now = now
    }

    // MARK: - Progress while the call runs

    /// Appends an event to the call's timeline (`CallEventKind` lists the kinds the outcome reads).
    public func recordEvent(callID: String, kind: CallEventKind, detail: String, at: Date? = nil) async {
        do {
            try await store.recordEvent(callID: callID, kind: kind, detail: detail, at: at ?? now())
        } catch {
            logger.error("cannot record call event", metadata: ["call_id": "\(callID)", "kind": "\(kind)", "error": "\(error)"])
        }
    }

    /// The flow that runs the call and the hash of its definition.
    public func recordFlow(callID: String, flow: String, versionHash: String) async {
        await update(callID) { row in
            row.flow = flow
            row.flowVersion = versionHash
        }
    }

    /// The flow's variables now, all of them (the flow has masked its `redact:` names): the stored set
    /// is replaced by this whole set, so nothing set earlier is lost.
    public func recordVariables(callID: String, _ variables: [String: String]) async {
        await update(callID) { $0.variablesJSON = CallOutcome.json(variables) }
    }

    // MARK: - Ending

    /// Ends the call once for `reason`, with the flow's own outcome when the flow ran. WhatsApp's
    /// ending goes through `finalize(terminate:)` (its figures are stored); an ending of ours that
    /// leaves the call up at WhatsApp is followed by the Graph `terminate` action.
    @discardableResult
    public func finalize(callID: String, phoneNumberID: String, reason: CallEndReason, flowOutcome: FlowOutcome? = nil,
                         terminate: CallTerminate? = nil, at: Date? = nil, graphCallID: GraphCallID = .same) async -> FinalizeResult {
        if case .whatsApp = reason, let terminate {
            return await finalize(terminate: terminate, flowOutcome: flowOutcome, at: at)
        }
        let ended = at ?? now()
        let result: FinalizeResult
        do {
            let done = try await store.finalizeCall(id: callID, at: ended, endDetail: reason.detail) { row, events, first in
                guard first else { return [] }
                if row.status != .rejected { row.status = reason.status }
                row.endReason = reason.code
                row.endedAt = ended
                if case let .rejected(why, failed) = reason {
                    // The refusal itself is the row's reason (what `calls list` shows).
                    let text = failed.map { "\(why); reject failed: \($0)" } ?? why
                    row.reason = [row.reason, text].compactMap { $0 }.joined(separator: "; ")
                } else {
                    row.reason = [row.reason, reason.detail].compactMap { $0 }.joined(separator: "; ")
                }
                if let code = reason.errorCode { CallOutcome.mergeErrorCodes([code], into: &row) }
                return try self.plan(&row, events, flowOutcome: flowOutcome, reason: reason)
            }
            result = completed(done)
            if done != nil { await connectHandled(callID) }
        } catch {
            result = .storeFailed("\(error)")
            logger.error("cannot record call outcome", metadata: ["call_id": "\(callID)", "error": "\(error)"])
        }
        switch result {
        case .alreadyFinalized, .unknownCall:
            return result
        case .finalized, .storeFailed:
            guard reason.sendsTerminate else { return result }
            let target: String
            switch graphCallID {
            case .same: target = callID
            case let .other(id): target = id
            case .none: return result
            }
            do {
                try await graph.terminate(callID: target, phoneNumberID: phoneNumberID)
            } catch {
                logger.error("terminate action failed", metadata: ["call_id": "\(callID)", "error": "\(error)"])
                await recordEvent(callID: callID, kind: .error, detail: "terminate_failed: \(error)")
            }
            return result
        }
    }

    /// WhatsApp's `terminate` webhook. An unknown call is recorded (and finalized) with its figures.
    @discardableResult
    public func finalize(terminate t: CallTerminate, flowOutcome: FlowOutcome? = nil, at: Date? = nil) async -> FinalizeResult {
        let received = at ?? now()
        let reason = CallEndReason.whatsApp(status: t.status)
        let codes = t.errors.compactMap { $0.code }.map(String.init)
        // Range-checked: a non-finite or absurd time from the wire is treated as absent.
        let ended = t.endDate ?? received
        let started = t.startDate
        let missing = CallRecord(id: t.callID, phoneNumberID: t.business.phoneNumberID, caller: t.from ?? "",
                                 status: reason.status, reason: Self.unknownCallReason, receivedAt: received,
                                 connectedAt: started, endedAt: ended, durationSeconds: t.duration)
        do {
            let done = try await store.finalizeCall(id: t.callID, at: received, ifMissing: missing,
                                                    endDetail: reason.detail) { row, events, first in
                // WhatsApp's figures are kept whichever end came first.
                row.waStatus = t.status?.description
                row.waStartTime = started
                row.waEndTime = ended
                row.durationSeconds = t.duration ?? row.durationSeconds
                if !codes.isEmpty {
                    let note = "whatsapp errors \(codes.joined(separator: ","))"
                    if row.reason != Self.unknownCallReason, !(row.reason ?? "").contains(note) {
                        row.reason = [row.reason, note].compactMap { $0 }.joined(separator: "; ")
                    }
                    CallOutcome.mergeErrorCodes(codes, into: &row)
                }
                guard first else { return [] }
                if row.status != .rejected { row.status = reason.status }
                if let started { row.connectedAt = row.connectedAt ?? started }
                row.endedAt = ended
                row.endReason = reason.code
                return try self.plan(&row, events, flowOutcome: flowOutcome, reason: reason)
            }
            let result = completed(done)
            await connectHandled(t.callID)
            return result
        } catch {
            logger.error("cannot record call outcome", metadata: ["call_id": "\(t.callID)", "error": "\(error)"])
            return .storeFailed("\(error)")
        }
    }

    /// The call's `connect` delivery is done with: the call was accepted, or it ended. Until then a crash
    /// leaves the delivery pending, and the next start answers the call if its window is still open.
    /// (No-op for a call whose connect was marked already, or that we placed.)
    public func connectHandled(_ callID: String) async {
        do {
            try await store.markDeliveryProcessed(subjectID: callID, event: "connect")
        } catch {
            logger.error("cannot mark a call's connect processed", metadata: ["call_id": "\(callID)", "error": "\(error)"])
        }
    }

    /// Inside the transaction: derive the event-based columns, take the flow's variables (all of them,
    /// masked), ask the planner with the flow's own outcome, encode its messages.
    private func plan(_ row: inout CallRecord, _ events: [CallEvent], flowOutcome: FlowOutcome?,
                      reason: CallEndReason) throws -> [OutboxDraft] {
        CallOutcome.apply(events: events, to: &row)
        if let flowOutcome {
            row.variablesJSON = CallOutcome.json(flowOutcome.variables.mapValues(\.quoted))
        }
        var outcome = CallOutcome(row)
        outcome.flowOutcome = flowOutcome ?? FlowOutcome(
            status: reason.flowStatus, reason: reason.detail, lastStep: row.path.last,
            path: row.path.map { PathEntry(step: $0, kind: "", enteredAt: Instant(nanoseconds: 0), exit: nil) },
            variables: row.variables.mapValues(FlowValue.parsing), endedAt: Instant(nanoseconds: 0))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let plan = planner.planAll(outcome: outcome)
        let messages = try plan.messages.map { planned in
            OutboxDraft(ruleKey: planned.ruleKey, recipient: planned.message.recipient,
                        messageJSON: String(decoding: try encoder.encode(planned.message), as: UTF8.self))
        }
        let at = row.endedAt ?? row.updatedAt
        return messages + plan.callbacks.map { callback in
            OutboxDraft(scheduledCall: ScheduledCallRecord(
                phoneNumberID: row.phoneNumberID, recipient: callback.recipient, flow: callback.flow,
                variablesJSON: callback.variables.isEmpty ? nil : CallOutcome.json(callback.variables), origin: .callback,
                originCallID: row.id, dedupeKey: "\(row.id)/callback",
                notBefore: at.addingTimeInterval(Double(callback.delayMinutes) * 60), state: .pending, createdAt: at))
        }
    }

    /// After the commit: the one log line, the metric and the outbox wake-up.
    private func completed(_ done: CallFinalization?) -> FinalizeResult {
        switch done {
        case nil:
            return .unknownCall
        case .alreadyFinalized:
            return .alreadyFinalized
        case let .finalized(row, enqueued):
            let outcome = CallOutcome(row)
            logOutcome(outcome, followup: row.followupStatus ?? "none", queued: enqueued.count)
            // Both labels are closed sets: the call statuses and our end reason codes.
            Counter(label: "ivr_call_outcomes_total",
                    dimensions: [("status", row.status.rawValue), ("end_reason", row.endReason ?? "none")],
                    factory: metricsFactory).increment()
            if !enqueued.isEmpty { outbox?.wake() }
            return .finalized(outcome, enqueued: enqueued.count)
        }
    }

    /// Exactly one line per call: `"event":"call.outcome"`, constant message, the fields in metadata.
    func logOutcome(_ o: CallOutcome, followup: String, queued: Int) {
        func opt<T>(_ v: T?) -> Logger.MetadataValue { .string(v.map { "\($0)" } ?? "-") }
        logger.info("call outcome", metadata: [
            "event": "call.outcome",
            "call_id": .string(o.callID),
            "phone_number_id": .string(o.phoneNumberID),
            "caller": .string(Redact.phone(o.caller)),
            "flow": opt(o.flow),
            "flow_version": opt(o.flowVersion),
            "status": .string(o.status.rawValue),
            "end_reason": .string(o.endReason),
            "path": .array(o.path.map { .string($0) }),
            "inputs": .array(o.inputs.map { .string($0) }),
            "variables": .dictionary(o.variables.mapValues { .string($0) }),
            "wa_status": opt(o.whatsAppStatus),
            "wa_duration_s": opt(o.whatsAppDurationSeconds),
            "connected_s": opt(o.connectedSeconds),
            "setup_ms": .dictionary([
                "pre_accept": opt(o.setup.preAcceptMs), "connected": opt(o.setup.connectedMs),
                "first_audio": opt(o.setup.firstAudioMs),
            ]),
            "error_codes": .array(o.errorCodes.map { .string($0) }),
            "followup": .string(followup),
            "followup_queued": .stringConvertible(queued),
        ])
    }

    private func update(_ callID: String, _ change: @Sendable @escaping (inout CallRecord) -> Void) async {
        do {
            try await store.updateCall(id: callID, at: now(), change)
        } catch {
            logger.error("cannot record call progress", metadata: ["call_id": "\(callID)", "error": "\(error)"])
        }
    }
}

extension OutboundMessage {
    /// The `to` of the message.
    var recipient: String {
        switch self {
        case let .voiceCallButton(to, _, _, _, _), let .template(to, _, _, _, _), let .callPermissionRequest(to, _): return to
        }
    }
}
