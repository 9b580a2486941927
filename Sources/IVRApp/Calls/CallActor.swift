import Audio
import Flow
import Foundation
import Logging
import Media
import MediaTransport
import Speech
import Store
import WhatsApp
import Wire

/// The one owner of one call, from its `connect` webhook to its outcome. It keeps the call's
/// `CallMachine` (what happens next) and, once the call is accepted, its `CallRunner` (the flow),
/// and it is the only code that waits: on its injected clock, for the next input or deadline.
/// Everything about the call reaches it as an input on one stream, handled in order: webhooks
/// (`terminate`, statuses, a drain) through the registry, media events, Graph results, HTTP
/// answers, keywords, and timer ticks.
actor CallActor {
    enum Input: Sendable {
        case machine(CallMachine.Input)
        case media(MediaEvent)
        case tick
        case httpDone(id: String, result: Result<(Int, [UInt8]), CallOutError>)
        case keyword(String, confidence: Double, generation: Int)
        case rendered(tag: Int, frames: [[UInt8]]?)
        case scheduleDone(id: String, failure: String?)
    }

    nonisolated let callID: String
    let call: CallConnect
    let route: FlowRoute?
    let refusal: String?
    let context: CallContext
    let logger: Logger
    var machine: CallMachine
    var runner: CallRunner?
    var channel: (any CallMediaChannel)?
    /// A call we place: what was asked, and our offer's socket until the answer starts its session.
    let outbound: OutboundCall?
    var pending: (any PendingCallMedia)?
    private let stream: AsyncStream<Input>
    let inputs: AsyncStream<Input>.Continuation
    /// Work the call started and still owns (Graph requests, HTTP call-outs, readers): cancelled at the end.
    private var tasks: [Task<Void, Never>] = []
    private var timer: Task<Void, Never>?
    private var timerAt: Instant?
    private var exited = false

    /// `refusal`: answer this call with `reject` and that reason instead (no flow, draining, a limit).
    init(call: CallConnect, route: FlowRoute?, refusal: String? = nil, receivedAt: Instant, context: CallContext,
         logger: Logger, outbound: OutboundCall? = nil) {
        self.callID = call.callID
        self.call = call
        self.route = route
        self.refusal = refusal
        self.context = context
        self.logger = logger
        self.outbound = outbound
        self.machine = outbound == nil ? CallMachine(receivedAt: receivedAt, timing: context.timing)
            : CallMachine(outboundAt: receivedAt, timing: context.timing)
        (stream, inputs) = AsyncStream.makeStream(of: Input.self)
    }

    /// Hands the call an input from outside (a webhook, the drain). False once the call has ended:
    /// the caller then deals with it directly (e.g. a late `terminate` goes to the finalizer).
    @discardableResult
    nonisolated func send(_ input: CallMachine.Input) -> Bool {
        if case .enqueued = inputs.yield(.machine(input)) { return true }
        return false
    }

    /// Runs the call to its end. Returns once the outcome is committed and the media closed.
    func run() async {
        if outbound != nil {
            machine.handle(refusal.map { .refuse($0) } ?? .start, now: context.clock.now())
        } else if let refusal {
            machine.handle(.refuse(refusal), now: context.clock.now())
        } else if route == nil {
            machine.handle(.refuse("no flow answers phone_number_id \(call.business.phoneNumberID) and no default flow is set"),
                           now: context.clock.now())
        } else {
            machine.handle(.start, now: context.clock.now())
        }
        await settle()
        if !exited {
            rearm()
            for await input in stream {
                await handle(input)
                await settle()
                if exited { break }
                rearm()
            }
        }
        inputs.finish()
        timer?.cancel()
        for task in tasks { task.cancel() }
        runner?.close()
        if let pending {
            // A call we placed that was never answered: its offer's socket.
            self.pending = nil
            await pending.close()
            context.ports.released()
        }
        if let channel {
            // The media ended on its own (its socket may still be open): release it.
            self.channel = nil
            await release(channel, reason: .local(.finished))
        }
    }

    /// Closes the call's media and gives its port back.
    private func release(_ channel: any CallMediaChannel, reason: MediaCloseReason) async {
        await logMediaSummary(channel)
        await channel.close(reason: reason)
        context.ports.released()
    }

    private func handle(_ input: Input) async {
        let now = context.clock.now()
        switch input {
        case let .machine(m):
            machine.handle(m, now: now)
        case .tick:
            timerAt = nil
            machine.handleTimeout(now: now)
            runner?.handleTimeout(now: now)
        case let .media(event):
            switch event {
            case let .connected(remote, profile):
                machine.handle(.mediaConnected("\(remote) \(profile)"), now: now)
            case let .closed(reason):
                if !reason.isLocal { logger.warning("media ended", metadata: ["reason": "\(reason)"]) }
                machine.handle(.mediaClosed(reason), now: now)
            default:
                runner?.handle(event, now: now)
            }
        case let .httpDone(id, result):
            runner?.httpDone(id: id, result: result, now: now)
        case let .keyword(word, confidence, generation):
            runner?.keyword(word, confidence: confidence, generation: generation, now: now)
        case let .rendered(tag, frames):
            runner?.rendered(tag: tag, frames: frames, now: now)
        case let .scheduleDone(id, failure):
            runner?.scheduleDone(id: id, failure: failure, now: now)
        }
    }

    /// Carries out what the machine and the flow asked for, feeding their results back, until
    /// neither has anything left to do.
    private func settle() async {
        while true {
            if let effect = runner?.pollEffect() {
                await perform(effect)
            } else if let action = machine.pollAction() {
                await perform(action)
            } else {
                return
            }
        }
    }

    /// One timer for the call: the earliest of the machine's and the flow's deadlines.
    private func rearm() {
        let next = [machine.nextDeadline(), runner?.nextDeadline()].compactMap { $0 }.min()
        guard next != timerAt else { return }
        timer?.cancel()
        timerAt = next
        guard let next else { return }
        let clock = context.clock, inputs = self.inputs
        timer = Task {
            do {
                try await clock.sleep(until: next)
                inputs.yield(.tick)
            } catch {
                return  // re-armed or the call ended
            }
        }
    }

    // MARK: - The machine's actions

    private func perform(_ action: CallMachine.Action) async {
        let now = context.clock.now()
        switch action {
        case .answerMedia:
            do {
                let media = context.media, offer = call.sdp, id = callID, log = logger
                let answered = try await Self.shortLived { try await media.answer(offer: offer, callID: id, logger: log) }
                channel = answered
                context.ports.taken()
                let inputs = self.inputs
                own(Task {
                    for await event in answered.events { inputs.yield(.media(event)) }
                })
                machine.handle(.mediaAnswered, now: now)
            } catch {
                if case MediaTransportError.noFreePort = error { context.metrics.callRefused(reason: "media_ports") }
                machine.handle(.mediaAnswerFailed("\(error)"), now: now)
            }
        case let .graph(step, deadline):
            sendGraph(step, deadline: context.graphDeadline(deadline))
        case .checkPermission, .requestPermission, .offerMedia, .applyAnswer, .recordAttempt:
            await performOutbound(action, now: now)
        case let .journal(entry):
            let store = context.store, finalizer = context.finalizer, id = callID, route = self.route, log = logger
            _ = try? await Self.shortLived {
                await Self.journal(entry, callID: id, route: route, store: store, finalizer: finalizer, logger: log)
            }
        case .startFlow:
            startFlow(now: now)
        case .drainFlow:
            logger.info("server draining; the flow moves to its drain step if it has one")
            runner?.draining(now: now)
        case let .stopFlow(stop):
            if let runner {
                runner.stop(stop, now: now)
            } else {
                // No flow runtime (signalling-only set-ups): an empty outcome stands in.
                machine.handle(.flowFinished(FlowOutcome(status: stop.event == .callerHungUp ? .callerHungUp : .failed,
                                                         reason: "\(stop)", lastStep: nil, path: [], variables: [:],
                                                         endedAt: now)), now: now)
            }
        case let .closeMedia(reason):
            guard let channel else { return }
            self.channel = nil
            await release(channel, reason: reason)
        case let .finalize(reason, outcome):
            logger.info("call ending", metadata: ["end_reason": "\(reason.code)", "detail": "\(reason.detail)"])
            let target: CallFinalizer.GraphCallID = outbound == nil ? .same : machine.whatsAppCallID.map { .other($0) } ?? .none
            await context.finalizer.finalize(callID: callID, phoneNumberID: call.business.phoneNumberID, reason: reason,
                                             flowOutcome: outcome, terminate: machine.terminateSeen, graphCallID: target)
            machine.handle(.finalized, now: context.clock.now())
        case let .recordTerminate(t):
            await context.finalizer.finalize(terminate: t)
        case .exit:
            exited = true
        }
    }

    private func sendGraph(_ step: CallMachine.GraphAction, deadline: ContinuousClock.Instant?) {
        let graph = context.graph, inputs = self.inputs, id = callID, number = call.business.phoneNumberID
        let sdp = channel?.answerSDP ?? ""
        if step == .connect { return connect(deadline: deadline) }
        own(Task {
            do {
                switch step {
                case .connect: return
                case .preAccept: try await graph.preAccept(callID: id, sdp: sdp, phoneNumberID: number, deadline: deadline)
                case .accept: try await graph.accept(callID: id, sdp: sdp, phoneNumberID: number, deadline: deadline)
                case .reject: try await graph.reject(callID: id, phoneNumberID: number, deadline: deadline)
                }
                inputs.yield(.machine(.graphSucceeded(step)))
            } catch {
                inputs.yield(.machine(.graphFailed(step, "\(error)")))
            }
        })
    }

    private static func journal(_ entry: CallMachine.Journal, callID id: String, route: FlowRoute?, store: any CallStore,
                                finalizer: CallFinalizer, logger: Logger) async {
        do {
            switch entry {
            case let .status(status):
                if status == .preAccepted, let route {
                    try await store.updateCall(id: id) { row in
                        row.status = status
                        row.flow = route.name
                        row.flowVersion = route.flow.versionHash
                    }
                } else {
                    try await store.updateCall(id: id) { $0.status = status }
                }
                logger.info("call \(status.rawValue)")
            case .accepted:
                try await store.updateCall(id: id) { row in
                    row.status = .accepted
                    row.connectedAt = Date()
                }
                await finalizer.connectHandled(id)
                logger.info("call accepted")
            case let .event(kind, detail):
                await finalizer.recordEvent(callID: id, kind: kind, detail: detail)
            }
        } catch {
            logger.error("cannot record call progress", metadata: ["error": "\(error)"])
        }
    }

    /// Runs one-off deep work (answering the offer, a store write) in a short-lived task and waits for it.
    /// A task's allocator keeps the slabs of its deepest moment until the task ends: run on the call's own
    /// task, which lives as long as the call, that memory would stay with every call until it ends.
    static func shortLived<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }

    private func startFlow(now: Instant) {
        guard let route, let runtime = context.runtime, let channel else {
            machine.handle(.flowStarted, now: now)
            return
        }
        let info = CallInfo(callID: callID, from: call.from, phoneNumberID: call.business.phoneNumberID,
                            callerName: call.callerName, ctaPayload: call.ctaPayload, startedAt: Date())
        do {
            let runner = try CallRunner(call: info, flow: route.flow, opusFormatParameters: channel.opusFormatParameters,
                                        prompts: runtime.prompts, speech: runtime.speech, metrics: runtime.metrics,
                                        now: now, logger: logger, presetVariables: outbound?.request.variables ?? [:],
                                        recordingsDirectory: runtime.recordingsDirectory)
            self.runner = runner
            machine.handle(.flowStarted, now: now)
            runner.start(now: now)
        } catch {
            machine.handle(.flowStartFailed("\(error)"), now: now)
        }
    }

    // MARK: - The flow's effects

    private func perform(_ effect: CallRunner.Effect) async {
        let now = context.clock.now()
        switch effect {
        case let .play(frames, tag): channel?.play(frames: frames, tag: tag)
        case let .render(text, voice, language, tag):
            // Text-to-speech takes milliseconds to a second: off the actor, fed back as an input.
            let inputs = self.inputs, log = logger, spoken = context.runtime?.spoken
            let settings = runner?.settings ?? OpusEncoderSettings(fmtp: [:])
            own(Task.detached {
                var frames: [[UInt8]]?
                do {
                    frames = try spoken?.encoded(text: text, voice: voice, language: language, settings: settings).frames
                } catch {
                    log.error("say: rendering failed", metadata: ["voice": "\(voice)", "error": "\(error)"])
                }
                inputs.yield(.rendered(tag: tag, frames: frames))
            })
        case .stopPlayback: channel?.stopPlayback()
        case let .callerAudio(wanted): channel?.setCallerAudioWanted(wanted)
        case let .event(kind, detail):
            let finalizer = context.finalizer, id = callID
            _ = try? await Self.shortLived { await finalizer.recordEvent(callID: id, kind: kind, detail: detail) }
        case let .variables(values):
            let finalizer = context.finalizer, id = callID
            _ = try? await Self.shortLived { await finalizer.recordVariables(callID: id, values) }
        case let .http(request):
            guard let http = context.runtime?.http else { return }
            let inputs = self.inputs
            own(Task {
                let result = await http.perform(request)
                inputs.yield(.httpDone(id: request.id, result: result))
            })
        case let .scheduleCall(request): schedule(request)
        case let .recognition(session, generation):
            let inputs = self.inputs, log = logger
            own(Task {
                for await event in session.events {
                    switch event {
                    case let .keyword(match):
                        inputs.yield(.keyword(match.word, confidence: match.confidence, generation: generation))
                    case let .failed(error):
                        log.error("speech recognition failed", metadata: ["error": "\(error)"])
                    }
                }
            })
        case let .hangup(disposition): machine.handle(.flowHungUp(disposition), now: now)
        case let .finished(outcome): machine.handle(.flowFinished(outcome), now: now)
        }
    }

    func own(_ task: Task<Void, Never>) {
        tasks.removeAll { $0.isCancelled }
        tasks.append(task)
    }

    /// One line per call on how its media went: packets each way, drops, and how late the pacer
    /// sent frames against their 20 ms slots (p50/p99/max).
    private func logMediaSummary(_ channel: any CallMediaChannel) async {
        let c = await channel.counters()
        let ms = { (micros: Int) in Logger.MetadataValue.string(String(format: "%.2f", Double(micros) / 1000)) }
        logger.info("call media", metadata: [
            "rtp_sent": "\(c.rtpSent)", "rtp_received": "\(c.rtpReceived)", "silence_frames": "\(c.silenceFramesSent)",
            "dropped": "\(c.dropped)", "pacing_p50_ms": ms(c.pacing.quantileMicros(0.5)),
            "pacing_p99_ms": ms(c.pacing.quantileMicros(0.99)), "pacing_max_ms": ms(c.pacing.maxMicros),
        ])
    }
}
