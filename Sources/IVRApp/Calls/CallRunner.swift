import Audio
import Flow
import Foundation
import Logging
import Media
import Speech
import Store
import Wire

/// Drives one call's flow against its media once the call is accepted. Not an actor and not
/// thread-safe: it belongs to the call's `CallActor`, which hands it every input with `now` and
/// carries out its effects (`pollEffect()`), and wakes it at `nextDeadline()`. It reads no clock and
/// waits for nothing: the engine's actions become effects (prompts to play, listening on or off,
/// timeline events, HTTP call-outs, the hang-up and the flow's outcome), and the caller's media
/// becomes engine events.
final class CallRunner {
    /// What the call's owner must do for the flow.
    enum Effect {
        case play(frames: [[UInt8]], tag: Int)
        /// Render `say:` text off the call's loop; the frames come back through `rendered(tag:frames:now:)`.
        case render(text: String, voice: String, language: String, tag: Int)
        case stopPlayback
        /// Whether the media hands caller audio over (only while a menu listens or a recording runs).
        case callerAudio(Bool)
        case event(CallEventKind, String)
        /// Every variable now, redacted names masked, as stored text (`FlowValue.quoted`).
        case variables([String: String])
        case http(HTTPCallOut)
        /// Record a call to place later (`schedule_call`); the answer comes back through `scheduleDone`.
        case scheduleCall(ScheduledCallRequest)
        /// A voice menu's recognition: its keyword events come back as `keyword(...)` with the generation.
        case recognition(RecognitionSession, generation: Int)
        case hangup(HangupDisposition)
        case finished(FlowOutcome)
    }

    let prompts: PromptCache
    let settings: OpusEncoderSettings
    let speech: SpeechRuntime?
    let metrics: IVRMetrics?
    let logger: Logger
    let flow: Flow
    /// What may leave the call: every event, log line and variable below goes through it.
    let redaction: CallRedaction
    var engine: FlowEngine
    /// The caller's audio: decoding while wanted, DTMF (RFC 4733 and in-band), voice activity, the
    /// speech pre-roll and the recording's end rules (sans-IO, in Media).
    let callerAudio: CallerAudioPipeline
    /// The voicemail being written, and where.
    var recordingWriter: WAVWriter?
    /// The first write or finish failure of the recording in progress (reported when it ends).
    var recordingFailure: AudioFileError?
    var recordingPath: String?
    /// The active menu's recognition, fed 16 kHz audio while the caller speaks.
    var recognition: RecognitionSession?
    var recognitionGeneration = 0
    var playing: [Int: Bool] = [:]     // tag → barge-in allowed
    /// `say:` renders under way, and those stopped (or replaced) before their frames came back.
    var pendingRenders = Set<Int>()
    var stoppedRenders = Set<Int>()
    var nextTag = 1
    var recordedSteps = 0
    var recordedExits = 0
    var lastVariables: [String: String]
    var effects: [Effect] = []
    var effectHead = 0
    /// The engine has finished (its outcome was handed out).
    var finished = false

    init(call: CallInfo, flow: Flow, opusFormatParameters: [String: String], prompts: PromptCache,
         speech: SpeechRuntime?, metrics: IVRMetrics?, now: Instant, logger: Logger,
         presetVariables: [String: String] = [:], recordingsDirectory: String = FlowEngine.defaultRecordingsDirectory) throws {
        self.flow = flow
        self.redaction = CallRedaction(flow: flow)
        self.prompts = prompts
        self.settings = OpusEncoderSettings(fmtp: opusFormatParameters)
        self.speech = speech
        self.metrics = metrics
        self.logger = logger
        self.engine = FlowEngine(flow: flow, call: call, now: now, logger: logger, recordingsDirectory: recordingsDirectory)
        engine.preset(presetVariables)
        self.callerAudio = try CallerAudioPipeline()
        self.lastVariables = redaction.variables(engine)
    }

    func pollEffect() -> Effect? {
        guard effectHead < effects.count else {
            effects.removeAll(keepingCapacity: true)
            effectHead = 0
            return nil
        }
        defer { effectHead += 1 }
        return effects[effectHead]
    }

    /// The flow's variables now (redacted names masked), as stored.
    var variables: [String: String] { lastVariables }

    // MARK: - Inputs

    func start(now: Instant) {
        // Caller audio flows only while a menu listens or a recording runs.
        effects.append(.callerAudio(false))
        engine.handle(.started, now: now)
        drain(now: now)
    }

    func handle(_ event: MediaEvent, now: Instant) {
        switch event {
        case let .playbackFinished(tag, _):
            guard playing.removeValue(forKey: tag) != nil else { return }
            callerAudio.setPlaying(!playing.isEmpty, now: now)
            engine.handle(.promptFinished, now: now)
        case let .telephoneEvent(payload, ts, seq, marker):
            handleCallerTelephoneEvent(payload: payload, rtpTimestamp: ts, sequence: seq, marker: marker, now: now)
        case let .audio(payload, ts, seq, _):
            // Decoded only while someone listens (DTMF fallback, barge-in, recording): otherwise a
            // call in playback costs no codec work.
            guard callerAudio.wantsAudio else { return }
            callerAudio.handleAudio(payload: payload, rtpTimestamp: ts, sequence: seq, now: now)
            pumpCallerAudio(now: now)
        case .connected, .remoteBye, .closed:
            return
        }
        drain(now: now)
    }

    func handleTimeout(now: Instant) {
        engine.handleTimeout(now: now)
        callerAudio.handleTimeout(now: now)
        pumpCallerAudio(now: now)
        drain(now: now)
    }

    func keyword(_ word: String, confidence: Double, generation: Int, now: Instant) {
        guard generation == recognitionGeneration, recognition != nil else { return }
        let shown = redaction.input(word, engine: engine)
        logger.info("keyword", metadata: ["word": "\(shown)", "confidence": "\(confidence)"])
        effects.append(.event(.keyword, "\(shown)@\(String(format: "%.2f", confidence))"))
        metrics?.input(kind: "keyword")
        engine.handle(.keyword(word, confidence: confidence), now: now)
        drain(now: now)
    }

    func httpDone(id: String, result: Result<(Int, [UInt8]), CallOutError>, now: Instant) {
        switch result {
        case let .success((status, body)): engine.handle(.httpResult(id: id, status: status, body: body), now: now)
        case let .failure(error): engine.handle(.httpFailed(id: id, reason: error.reason), now: now)
        }
        drain(now: now)
    }

    /// A `schedule_call` request was recorded (failure nil) or not.
    func scheduleDone(id: String, failure: String?, now: Instant) {
        if let failure {
            effects.append(.event(.error, "schedule_call: \(failure)"))
            engine.handle(.scheduleFailed(id: id, reason: failure), now: now)
        } else {
            engine.handle(.callScheduled(id: id), now: now)
        }
        drain(now: now)
    }

    /// The server drains: the flow jumps to its `on_drain` step, if it has one.
    func draining(now: Instant) {
        engine.handle(.draining, now: now)
        drain(now: now)
    }

    /// The call ends under the flow: the engine finishes (its outcome comes out as `.finished`).
    func stop(_ stop: CallMachine.FlowStop, now: Instant) {
        engine.handle(stop.event, now: now)
        drain(now: now)
        close()
    }

    /// Releases what the flow holds (recognition, an open recording).
    func close() {
        recognition?.close()
        recognition = nil
        // A recording still running ends with the call (the engine, already finished, ignores it).
        callerAudio.stopRecording()
        while let output = callerAudio.pollOutput() {
            if case .recordingFinished = output { closeRecording() }
        }
    }

    /// One deadline for the engine, DTMF, the jitter buffer and a recording.
    func nextDeadline() -> Instant? {
        guard !finished else { return nil }
        return [engine.nextDeadline(), callerAudio.nextDeadline()].compactMap { $0 }.min()
    }
}
