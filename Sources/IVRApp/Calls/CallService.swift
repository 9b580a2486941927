import Flow
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Store
import UnixSignals
import WhatsApp
import Wire

/// Holds every call's owner in one task group, under swift-service-lifecycle.
///
/// - Before the server opens, `reconcileInterrupted()` finalizes the calls a previous process left
///   unfinalized (a crash, `kill -9`) with the reason `interrupted` and an outcome line; their
///   follow-ups run only where a flow rule matches.
/// - On graceful shutdown (SIGTERM/SIGINT) it drains: new calls are refused (the webhook answers 503,
///   see `WebhookProcessor`), running calls are told to drain (the flow jumps to its `on_drain` step)
///   and must end by the drain timeout; at the deadline each is terminated and finalized with the
///   reason `shutdown`. A second signal shortens the deadline to now. `run()` returns when every call
///   has been finalized.
public final class CallService: Service, Sendable {
    public let registry: CallRegistry
    let context: CallContext
    let drainTimeout: Duration
    /// Calls alive at once; a `connect` beyond it is refused with `reject` (`server.max_calls`).
    let maxCalls: Int
    /// Signals that, once a drain has begun, end it at once (nil: none trapped here; tests).
    let hurrySignals: [UnixSignal]
    let logger: Logger
    /// When this process started; unfinalized rows received before it were interrupted.
    let startedAt = Date()
    private let stream: AsyncStream<CallActor>
    private let continuation: AsyncStream<CallActor>.Continuation

    public init(context: CallContext, registry: CallRegistry = CallRegistry(), drainTimeout: Duration = .seconds(30),
                maxCalls: Int = 1000, hurrySignals: [UnixSignal] = [], logger: Logger) {
        self.context = context
        self.maxCalls = max(1, maxCalls)
        self.registry = registry
        self.drainTimeout = drainTimeout
        self.hurrySignals = hurrySignals
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: CallActor.self)
    }

    public var isDraining: Bool { registry.isDraining }
    public var activeCalls: Int { registry.count }

    /// Starts the owner of a new call. `route` nil, or a `refusal`, makes it a `reject`. False when
    /// a call with this id is already alive here, or when the server drains (the caller refuses it).
    @discardableResult
    public func start(_ call: CallConnect, route: FlowRoute?, refusal: String? = nil,
                      receivedAt: Instant? = nil, logger: Logger) -> Bool {
        guard !registry.isDraining else { return false }
        let actor = CallActor(call: call, route: route, refusal: refusal ?? limitRefusal(), receivedAt: receivedAt ?? context.clock.now(),
                              context: context, logger: logger)
        let continuation = self.continuation
        var queued = false
        let inserted = registry.insert(actor) { actor in
            if case .enqueued = continuation.yield(actor) { queued = true }
        }
        if inserted && !queued {
            // The drain closed the queue under us: nobody will run this call.
            registry.remove(call.callID)
            return false
        }
        context.metrics.callsActive(registry.count)
        return inserted
    }

    /// A call in this state was never answered: a process that starts while its accept window is open
    /// can still answer it.
    static func answerable(_ status: CallStatus) -> Bool {
        status == .received || status == .preAccepted
    }

    /// Why a new call is refused at the call limit (`server.max_calls`), counted; nil below it.
    private func limitRefusal() -> String? {
        guard registry.count >= maxCalls else { return nil }
        context.metrics.callRefused(reason: "max_calls")
        return "the server is at its call limit (server.max_calls = \(maxCalls))"
    }

    /// Starts the owner of a call we place. False when the server drains.
    func startOutbound(_ call: OutboundCall, callID: String, logger: Logger) -> Bool {
        guard !registry.isDraining else { return false }
        let connect = CallConnect(business: BusinessContext(wabaID: nil, phoneNumberID: call.phoneNumberID, displayPhoneNumber: nil),
                                  callID: callID, from: call.request.to, direction: CallMachine.Direction.outbound.rawValue,
                                  sdpType: "offer", sdp: "")
        let actor = CallActor(call: connect, route: call.route, refusal: limitRefusal(), receivedAt: context.clock.now(),
                              context: context, logger: logger, outbound: call)
        let continuation = self.continuation
        var queued = false
        let inserted = registry.insert(actor) { actor in
            if case .enqueued = continuation.yield(actor) { queued = true }
        }
        guard inserted && queued else {
            if inserted { registry.remove(callID) }
            return false
        }
        registry.noteOutbound(callID, phoneNumberID: call.phoneNumberID, user: call.request.to)
        context.metrics.callsActive(registry.count)
        return true
    }

    public func run() async throws {
        let registry = self.registry
        // Watches for a second signal while the calls drain; stopped once they are all done.
        let hurry = hurrySignals.isEmpty ? nil : Task { await self.watchForHurry() }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await actor in self.stream {
                    group.addTask {
                        await actor.run()
                        registry.remove(actor.callID)
                        self.context.metrics.callsActive(registry.count)
                    }
                }
                // The drain closed the queue: the group now waits for every call to end.
            }
        } onGracefulShutdown: {
            self.beginDrain()
        }
        hurry?.cancel()
        logger.info("calls drained", metadata: ["remaining": "\(registry.count)"])
    }

    /// Stops admitting calls and gives the running ones until the drain timeout.
    public func beginDrain() {
        let deadline = context.clock.now() + drainTimeout
        let continuation = self.continuation
        logger.notice("draining calls", metadata: ["calls": "\(registry.count)", "timeout_s": "\(drainTimeout.seconds)"])
        registry.drain(until: deadline) { continuation.finish() }
    }

    /// A second SIGTERM/SIGINT during the drain ends it at once: every call is terminated now.
    private func watchForHurry() async {
        var seen = 0
        for await _ in await UnixSignalsSequence(trapping: hurrySignals) {
            seen += 1
            // The first signal is the one that began the drain (the service group saw it too).
            guard seen >= 2 else { continue }
            logger.warning("second signal: ending the drain now")
            registry.drain(until: context.clock.now())
        }
    }

    /// Calls a previous process left behind: finalized once each, as `interrupted`. Run before the
    /// webhook port opens (`IVRServer.run`), so no live call is mistaken for one.
    /// `leaving`: what the events replayed after this will do (`WebhookProcessor.plan`): a call still
    /// unanswered whose `connect` is replayed inside its window is answered then, and a call whose
    /// `terminate` was acknowledged and not handled is ended by it, with WhatsApp's status.
    /// Returns the calls it finalized.
    @discardableResult
    public func reconcileInterrupted(leaving plan: ReplayPlan = .init()) async -> [CallRecord] {
        let rows: [CallRecord]
        do {
            rows = try await context.store.unfinalizedCalls()
        } catch {
            logger.error("cannot read unfinalized calls", metadata: ["error": "\(error)"])
            return []
        }
        var finalized: [CallRecord] = []
        // Only rows from before this process: a call admitted since start is alive, not interrupted.
        for row in rows where row.receivedAt < startedAt && !registry.contains(row.id) {
            if plan.leaves(row) {
                logger.notice("call left to its replayed webhook event", metadata: ["call_id": "\(row.id)"])
                continue
            }
            let result = await context.finalizer.finalize(callID: row.id, phoneNumberID: row.phoneNumberID,
                                                          reason: .interrupted)
            logger.warning("call interrupted by a restart finalized", metadata: [
                "call_id": "\(row.id)", "status_was": "\(row.status.rawValue)", "result": "\(result)",
            ])
            if case .finalized = result { finalized.append(row) }
        }
        return finalized
    }
}
