import Foundation
import Logging
import ServiceLifecycle
import Store

/// Places due `scheduled_calls` rows (schedule_call steps, callbacks, campaigns), beside the outbox.
/// Each look: claims whose lease ran out go back to `pending`; rows whose call ended are settled
/// (`RowVerdict`); the due rows are paced (`Dialer`), claimed atomically and placed through
/// `OutboundCalls`, the permission checked first so a missing one is asked for durably
/// (`awaiting_permission`, resolved by the user's reply).
///
/// No row is placed twice: a claim turns into a call only in the transaction that inserts the call,
/// so a row still `placing` (its instance died or stopped) never had a call and is safely pending
/// again; a row `placed` keeps its call, and a call cut by a crash ends `interrupted`, which is final.
public final class DialerService: Service, Sendable {
    let store: any DialerStore
    let outbound: OutboundCalls
    let config: IVRConfig.Dialer
    /// This process's name in `claimed_by`.
    public let instance: String
    let logger: Logger

    public init(store: any DialerStore, outbound: OutboundCalls, config: IVRConfig.Dialer, instance: String? = nil,
                logger: Logger) {
        self.store = store
        self.outbound = outbound
        self.config = config
        self.instance = instance ?? "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8).lowercased())"
        self.logger = logger
    }

    public func run() async throws {
        guard config.enabled else { return }
        let tick = TimeInterval(config.tickMs) / 1000, standalone = Dialer.Pacing(rate: config.rate)
        try? await cancelWhenGracefulShutdown {
            var dialer = Dialer(standalone: standalone)
            while !Task.isCancelled && !self.outbound.calls.isDraining {
                let next = await self.look(&dialer, now: Date())
                let wait = min(tick, max(0.01, (next ?? .distantFuture).timeIntervalSinceNow))
                try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
            }
        }
        // Not under the cancelled task: the claims this process holds but did not place go back.
        let store = self.store, instance = self.instance, logger = self.logger
        await Task {
            do {
                let n = try await store.releaseScheduledClaims(expiredBefore: .distantPast, orClaimedBy: instance, at: Date())
                if n > 0 { logger.notice("scheduled calls claimed but not placed are pending again", metadata: ["rows": "\(n)"]) }
            } catch {
                logger.error("cannot release the dialer's claims", metadata: ["error": "\(error)"])
            }
        }.value
    }

    /// One look at the store; returns when the next paced row's turn comes.
    func look(_ dialer: inout Dialer, now: Date) async -> Date? {
        do {
            let released = try await store.releaseScheduledClaims(expiredBefore: now, orClaimedBy: nil, at: now)
            if released > 0 { logger.warning("expired claims on scheduled calls released", metadata: ["rows": "\(released)"]) }
            let wait = TimeInterval(outbound.config.permissionWaitSeconds)
            _ = try await store.expireAwaitingPermission(requestedBefore: now.addingTimeInterval(-wait), at: now)
            var campaigns = CampaignCache(store: store)
            for (row, reason) in try await store.endedScheduledCalls(limit: 200) {
                await settle(row, endReason: reason, rules: try await campaigns.rules(for: row, config), now: now)
            }
            let due = try await store.dueScheduledCalls(now: now, limit: 50)
            var pacing: [String: Dialer.Pacing] = [:]
            for row in due {
                if let id = row.campaignID, let p = try await campaigns.rules(for: row, config).pacing { pacing[id] = p }
            }
            let plan = dialer.plan(due: due.map { Dialer.Due(id: $0.id, campaignID: $0.campaignID) }, pacing: pacing, now: now)
            for (id, until) in plan.postpone { try await store.postponeScheduledCall(id: id, until: until, at: now) }
            let lease = now.addingTimeInterval(TimeInterval(config.claimLeaseSeconds))
            for row in try await store.claimScheduledCalls(ids: plan.claim, by: instance, until: lease, at: now) {
                await place(row, rules: try await campaigns.rules(for: row, config))
            }
            return plan.nextDeadline
        } catch {
            logger.error("the dialer could not read or claim scheduled calls", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// A claimed row: checked, then placed, or its permission asked for, or refused by the gate.
    func place(_ row: ScheduledCallRecord, rules: CampaignCache.Rules) async {
        var log = logger
        log[metadataKey: "scheduled_call"] = "\(row.id)"
        let request = OutboundCallRequest(to: row.recipient, flow: row.flow, variables: Self.variables(row.variablesJSON),
                                          bizOpaqueCallbackData: row.bizOpaqueCallbackData,
                                          phoneNumberID: row.phoneNumberID ?? rules.phoneNumberID)
        let call: OutboundCall
        do {
            call = try outbound.prepare(request)
        } catch {
            if error == .draining { return await finish(row, .pending, result: nil, log: log) }
            log.error("a scheduled call cannot be placed", metadata: ["error": "\(error)"])
            return await finish(row, .failed, result: error.code, log: log)
        }
        switch await outbound.check(phoneNumberID: call.phoneNumberID, user: call.request.to) {
        case .call:
            await dial(row, call, log: log)
        case .requestPermission:
            if await requestPending(phoneNumberID: call.phoneNumberID, user: call.request.to) {
                // One request per user: the reply to the one already sent reaches this row too.
                return await finish(row, .awaitingPermission, result: "permission_requested", number: call.phoneNumberID,
                                    log: log)
            }
            do {
                try await outbound.requestPermission(phoneNumberID: call.phoneNumberID, user: call.request.to)
                log.info("call permission requested for a scheduled call")
                await finish(row, .awaitingPermission, result: "permission_requested", number: call.phoneNumberID, log: log)
            } catch {
                let failure = OutboundFailure(error)
                if failure == .permanentPermissionExists { return await dial(row, call, log: log) }
                await apply(RowVerdict.decide(result: failure.code, attempts: row.attempts, policy: rules.retry,
                                              window: rules.pacing?.window, now: Date()), to: row, log: log)
            }
        case let .refuse(refusal):
            log.notice("a scheduled call refused by the permission gate", metadata: ["reason": "\(refusal)"])
            await apply(RowVerdict.decide(result: refusal.code, attempts: row.attempts, policy: rules.retry,
                                          window: rules.pacing?.window, now: Date()), to: row, log: log)
        }
    }

    /// A permission request to the user is already out and still within `outbound.permission_wait`.
    private func requestPending(phoneNumberID: String, user: String) async -> Bool {
        guard let sent = (try? await outbound.store.permission(phoneNumberID: phoneNumberID, user: user))??.lastRequestAt
        else { return false }
        return Date().timeIntervalSince(sent) < TimeInterval(outbound.config.permissionWaitSeconds)
    }

    private func dial(_ row: ScheduledCallRecord, _ call: OutboundCall, log: Logger) async {
        do {
            if let id = try await outbound.place(scheduled: call, rowID: row.id, claimedBy: instance, store: store) {
                log.info("scheduled call placed", metadata: ["call_id": "\(id)", "attempt": "\(row.attempts + 1)"])
            } else {
                log.warning("a scheduled call's claim was lost before it was placed; another instance has it")
            }
        } catch {
            // The claim stays `placing` only if the row was not placed: give it back.
            log.warning("a scheduled call was not placed", metadata: ["error": "\(error)"])
            await finish(row, .pending, result: nil, log: log)
        }
    }

    /// A placed row whose call ended.
    func settle(_ row: ScheduledCallRecord, endReason: String, rules: CampaignCache.Rules, now: Date) async {
        guard let callID = row.callID else { return }
        let verdict = RowVerdict.decide(result: endReason, attempts: row.attempts, policy: rules.retry,
                                        window: rules.pacing?.window, now: now)
        let (state, result, at, giveBack): (ScheduledCallRecord.State, String, Date?, Bool) = switch verdict {
        case let .done(result): (.done, result, nil, false)
        case let .retry(at, result, counts): (.pending, result, at, !counts)
        case let .failed(result): (.failed, result, nil, false)
        }
        do {
            _ = try await store.settleScheduledCall(id: row.id, callID: callID, state: state, lastResult: result,
                                                    notBefore: at, giveBackAttempt: giveBack, at: now)
            logger.info("scheduled call settled", metadata: [
                "scheduled_call": "\(row.id)", "call_id": "\(callID)", "state": "\(state.rawValue)", "result": "\(result)",
            ])
        } catch {
            logger.error("cannot settle a scheduled call", metadata: ["scheduled_call": "\(row.id)", "error": "\(error)"])
        }
    }

    private func apply(_ verdict: RowVerdict, to row: ScheduledCallRecord, log: Logger) async {
        switch verdict {
        case let .done(result), let .failed(result): await finish(row, .failed, result: result, log: log)
        case let .retry(at, result, _): await finish(row, .pending, result: result, notBefore: at, log: log)
        }
    }

    private func finish(_ row: ScheduledCallRecord, _ state: ScheduledCallRecord.State, result: String?,
                        notBefore: Date? = nil, number: String? = nil, log: Logger) async {
        do {
            _ = try await store.finishClaim(id: row.id, claimedBy: instance, state: state, lastResult: result,
                                            notBefore: notBefore, phoneNumberID: number, at: Date())
        } catch {
            log.error("cannot update a scheduled call", metadata: ["error": "\(error)"])
        }
    }

    static func variables(_ json: String?) -> [String: String] {
        guard let json, let vars = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else { return [:] }
        return vars
    }
}
