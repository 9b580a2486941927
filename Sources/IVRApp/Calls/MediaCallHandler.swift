import AsyncHTTPClient
import Audio
import Flow
import Foundation
import Logging
import Media
import NIOConcurrencyHelpers
import Store
import WhatsApp
import Wire

/// Answers calls with the media core: SDP answer → `pre_accept` → wait for ICE+DTLS → `accept`
/// with the identical answer → media flows (silence until a flow plays something). A call that
/// cannot be set up is refused with the precise reason; a call whose media dies is terminated.
/// The shared pieces flows run with.
public struct FlowRuntime: Sendable {
    public let prompts: PromptCache
    let http: FlowHTTP
    /// Voice menus; nil when no speech model is installed (menus then take keys only).
    public let speech: SpeechRuntime?
    let metrics: IVRMetrics?

    public init(prompts: PromptCache, http: HTTPClient, speech: SpeechRuntime? = nil, metrics: IVRMetrics? = nil,
                httpAllow: [String] = []) {
        self.prompts = prompts
        self.http = FlowHTTP(client: http, policy: CallOutPolicy(globalAllow: httpAllow))
        self.speech = speech
        self.metrics = metrics
    }
}

public final class MediaCallHandler: CallHandler {
    public struct Timing: Sendable {
        /// Graph actions for a new call give up after this (WhatsApp's accept window).
        public var acceptWindow: Duration = .seconds(30)
        /// After media ends on its own, how long to wait for WhatsApp's terminate before ending the call ourselves.
        public var terminateGrace: Duration = .seconds(2)
        public init() {}
    }

    let media: any CallMediaFactory
    let graph: any GraphAPI
    let store: Store
    let metrics: IVRMetrics
    let timing: Timing
    let finalizer: CallFinalizer
    /// What running flows needs: the shared prompt cache and the HTTP client for `http` steps.
    /// Without it, accepted calls only keep media flowing (tests of the signalling path).
    let runtime: FlowRuntime?
    private let active = NIOLockedValueBox<[String: any CallMediaChannel]>([:])

    public init(media: any CallMediaFactory, graph: any GraphAPI, store: Store, metrics: IVRMetrics,
                finalizer: CallFinalizer, runtime: FlowRuntime? = nil, timing: Timing = Timing()) {
        self.finalizer = finalizer
        self.runtime = runtime
        self.media = media
        self.graph = graph
        self.store = store
        self.metrics = metrics
        self.timing = timing
    }

    public var activeCalls: Int { active.withLockedValue { $0.count } }

    public func handle(_ call: CallConnect, route: FlowRoute, logger: Logger) async -> CallHandling {
        let started = ContinuousClock.now
        let deadline = started + timing.acceptWindow
        let channel: any CallMediaChannel
        do {
            channel = try await media.answer(offer: call.sdp, callID: call.callID, logger: logger)
        } catch {
            return .cannotAnswer(reason: "cannot answer the SDP offer: \(error)")
        }
        let sdp = channel.answerSDP
        do {
            try await graph.preAccept(callID: call.callID, sdp: sdp, phoneNumberID: call.business.phoneNumberID,
                                      deadline: deadline)
        } catch {
            await channel.close(reason: "pre_accept failed")
            return .cannotAnswer(reason: "pre_accept failed: \(error)")
        }
        await record(call.callID) { $0.status = .preAccepted }
        await finalizer.recordFlow(callID: call.callID, flow: route.name, versionHash: route.flow.versionHash)
        await finalizer.recordEvent(callID: call.callID, kind: CallEventKind.preAccept, detail: "answer sent")
        logger.info("pre_accept sent", metadata: ["ms": "\(ms(since: started))"])

        var iterator = channel.events.makeAsyncIterator()
        let connected = await waitForConnected(&iterator)
        guard case let .success(remote) = connected else {
            let reason: String
            if case let .failure(why) = connected { reason = why } else { reason = "unknown" }
            await channel.close(reason: reason)
            return .cannotAnswer(reason: "media did not connect: \(reason)")
        }
        logger.info("media connected", metadata: ["remote": "\(remote)", "ms": "\(ms(since: started))"])
        await finalizer.recordEvent(callID: call.callID, kind: CallEventKind.connected, detail: remote)
        do {
            try await graph.accept(callID: call.callID, sdp: sdp, phoneNumberID: call.business.phoneNumberID,
                                   deadline: deadline)
        } catch {
            await channel.close(reason: "accept failed")
            return .cannotAnswer(reason: "accept failed: \(error)")
        }
        await record(call.callID) {
            $0.status = .accepted
            $0.connectedAt = Date()
        }
        logger.info("call accepted", metadata: ["ms": "\(ms(since: started))"])
        // Media has flowed since DTLS completed (silence keep-alive); the flow's prompts follow.
        await finalizer.recordEvent(callID: call.callID, kind: CallEventKind.firstAudio, detail: "accepted; media flowing")
        active.withLockedValue { $0[call.callID] = channel }
        Task { await self.run(call, route: route, channel: channel, logger: logger) }
        return .answered
    }

    enum Connected { case success(String), failure(String) }

    /// Reads events until `connected` or `closed`. The session bounds the wait itself: it closes
    /// with a precise reason when ICE/DTLS have not completed by its connect deadline.
    private func waitForConnected(_ iterator: inout AsyncStream<MediaEvent>.Iterator) async -> Connected {
        while let event = await iterator.next() {
            switch event {
            case let .connected(remote, profile): return .success("\(remote) \(profile)")
            case let .closed(reason): return .failure(reason)
            default: continue
            }
        }
        return .failure("media session ended")
    }

    /// Owns the call after `accept`: runs its flow until the flow ends, the media fails, or
    /// WhatsApp terminates the call.
    private func run(_ call: CallConnect, route: FlowRoute, channel: any CallMediaChannel, logger: Logger) async {
        var reason = "media session ended"
        var flowEnded = false
        if let runtime {
            let info = CallInfo(callID: call.callID, from: call.from, phoneNumberID: call.business.phoneNumberID,
                                callerName: call.callerName, ctaPayload: call.ctaPayload)
            do {
                let runner = try CallRunner(call: info, flow: route.flow, channel: channel, prompts: runtime.prompts,
                                            finalizer: finalizer, http: runtime.http, speech: runtime.speech,
                                            metrics: runtime.metrics,
                                            clock: SystemMonotonicClock(), logger: logger)
                reason = await runner.run(events: channel.events)
                flowEnded = reason == CallRunner.flowFinished
            } catch {
                reason = "cannot start the flow: \(error)"
            }
        } else {
            for await event in channel.events {
                if case let .closed(why) = event {
                    reason = why
                    break
                }
            }
        }
        if !flowEnded {
            // The media ended under the call (the caller's side closed DTLS, or went silent): WhatsApp's
            // terminate webhook, which carries the authoritative status, usually follows at once.
            try? await Task.sleep(for: timing.terminateGrace)
        }
        let stillOurs = active.withLockedValue { $0.removeValue(forKey: call.callID) != nil }
        guard stillOurs else { return }  // WhatsApp terminated it first.
        if flowEnded {
            // The flow's hangup step already finalized the call; a flow that ended without one is hung up here.
            await finalizer.finalize(callID: call.callID, phoneNumberID: call.business.phoneNumberID,
                                      reason: .hangup(disposition: "flow ended"))
            await logMediaSummary(channel, logger: logger)
            await channel.close(reason: "flow ended")
            return
        }
        logger.warning("media ended; terminating call", metadata: ["reason": "\(reason)"])
        let why: CallEndReason = reason.hasPrefix("ICE consent lost") ? .consentLost : .mediaFailure(reason)
        // Records the outcome once and sends the Graph `terminate` action.
        await finalizer.finalize(callID: call.callID, phoneNumberID: call.business.phoneNumberID, reason: why)
        await logMediaSummary(channel, logger: logger)
        await channel.close(reason: reason)
    }

    public func terminated(_ event: CallTerminate, logger: Logger) async {
        guard let channel = active.withLockedValue({ $0.removeValue(forKey: event.callID) }) else { return }
        await logMediaSummary(channel, logger: logger)
        await channel.close(reason: "terminated by WhatsApp")
    }

    /// One line per call on how its media went: packets each way, drops, and how late the pacer
    /// sent frames against their 20 ms slots (p50/p99/max).
    private func logMediaSummary(_ channel: any CallMediaChannel, logger: Logger) async {
        let c = await channel.counters()
        let ms = { (micros: Int) in Logger.MetadataValue.string(String(format: "%.2f", Double(micros) / 1000)) }
        logger.info("call media", metadata: [
            "rtp_sent": "\(c.rtpSent)", "rtp_received": "\(c.rtpReceived)", "silence_frames": "\(c.silenceFramesSent)",
            "dropped": "\(c.dropped)", "pacing_p50_ms": ms(c.pacing.quantileMicros(0.5)),
            "pacing_p99_ms": ms(c.pacing.quantileMicros(0.99)), "pacing_max_ms": ms(c.pacing.maxMicros),
        ])
    }

    private func record(_ id: String, _ change: @Sendable @escaping (inout CallRecord) -> Void) async {
        _ = try? await store.updateCall(id: id, change)
    }

    private func ms(since start: ContinuousClock.Instant) -> Int {
        Int((ContinuousClock.now - start).totalNanoseconds / 1_000_000)
    }
}
