import Audio
import DTMF
import Flow
import Foundation
import Logging
import Media
import Speech
import Store
import Wire

/// Runs a call's flow against its media once the call is accepted: the flow engine's actions
/// become prompt playback (pre-encoded Opus from the shared cache), listening (DTMF by RFC 4733
/// and in-band, voice activity for barge-in), HTTP call-outs, recordings and hang-up; media and
/// timer inputs become engine events. One actor per call: every input is handled in order.
actor CallRunner {
    enum Input: Sendable {
        case media(MediaEvent)
        case tick
        case httpDone(id: String, result: Result<(Int, [UInt8]), CallOutError>)
        case keyword(String, confidence: Double, generation: Int)
    }

    static let flowFinished = "flow finished"

    let callID: String
    let phoneNumberID: String
    let channel: any CallMediaChannel
    let prompts: PromptCache
    let settings: OpusEncoderSettings
    let finalizer: CallFinalizer
    let http: FlowHTTP
    let speech: SpeechRuntime?
    let metrics: IVRMetrics?
    /// The active menu's recognition, fed 16 kHz audio while the caller speaks.
    var recognition: RecognitionSession?
    var recognitionGeneration = 0
    /// The last 200 ms of 16 kHz audio, so an utterance's start (before the VAD decides) is not lost.
    var preRoll: [[Int16]] = []
    let clock: any MonotonicClock
    let logger: Logger
    var engine: FlowEngine
    var dtmf: DTMFDetector
    var audio: CallerAudioDecoder?
    var vad = VoiceActivityDetector(sampleRate: 16_000)
    let redact: Set<String>

    var listening = false
    /// When the caller's last audio packet was handed to us (audio comes in batches, ~60 ms apart).
    var lastAudioAt: Instant?
    /// The in-band DTMF detector's timeline: audio arrives in batches, so each frame's time is
    /// counted from the stream's samples rather than read from the clock at the batch.
    var inbandTimeline: (start: Instant, samples: Int64)?
    var playing: [Int: Bool] = [:]     // tag → barge-in allowed
    var nextTag = 1
    var recorder: Recorder?
    var recordedSteps = 0
    var inputs: AsyncStream<Input>.Continuation?
    var timer: Task<Void, Never>?
    var timerAt: Instant?
    var finished = false
    /// The media ended under the flow (hang-up by WhatsApp, consent lost): the handler records why.
    var mediaEnded = false

    init(call: CallInfo, flow: Flow, channel: any CallMediaChannel, prompts: PromptCache, finalizer: CallFinalizer,
         http: FlowHTTP, speech: SpeechRuntime?, metrics: IVRMetrics?, clock: any MonotonicClock, logger: Logger) throws {
        self.speech = speech
        self.metrics = metrics
        self.callID = call.callID
        self.phoneNumberID = call.phoneNumberID
        self.channel = channel
        self.prompts = prompts
        self.settings = OpusEncoderSettings(fmtp: channel.opusFormatParameters)
        self.finalizer = finalizer
        self.http = http
        self.clock = clock
        self.logger = logger
        self.redact = Set(flow.redact)
        self.engine = FlowEngine(flow: flow, call: call, now: clock.now(), logger: logger)
        self.dtmf = try DTMFDetector()
    }

    /// Drives the call until the flow finishes or the media ends. `events` is the media stream the
    /// handler was reading (one consumer at a time: the handler no longer reads it).
    func run(events: AsyncStream<MediaEvent>) async -> String {
        let (stream, continuation) = AsyncStream.makeStream(of: Input.self)
        inputs = continuation
        let forward = Task {
            for await e in events { continuation.yield(.media(e)) }
            continuation.yield(.media(.closed(reason: "media stream ended")))
        }
        // Caller audio flows only while a menu listens or a recording runs.
        channel.setCallerAudioWanted(false)
        engine.handle(.started, now: clock.now())
        await drain()
        var endReason = Self.flowFinished
        for await input in stream {
            switch input {
            case let .media(event):
                if case let .closed(reason) = event {
                    endReason = reason
                    mediaEnded = true
                    engine.handle(reason == "terminated by WhatsApp" ? .callerHungUp : .mediaFailed(reason: reason), now: clock.now())
                    await drain()
                    finished = true
                } else {
                    await handle(event)
                }
            case .tick:
                timerAt = nil
                let now = clock.now()
                engine.handleTimeout(now: now)
                dtmf.handleTimeout(now: now)
                pumpDigits(now: now)
                pullAudio(now: now)
                await drain()
            case let .keyword(word, confidence, generation):
                guard generation == recognitionGeneration, recognition != nil else { break }
                logger.info("keyword", metadata: ["word": "\(word)", "confidence": "\(confidence)"])
                await finalizer.recordEvent(callID: callID, kind: CallEventKind.keyword,
                                             detail: "\(word)@\(String(format: "%.2f", confidence))")
                metrics?.input(kind: "keyword")
                engine.handle(.keyword(word, confidence: confidence), now: clock.now())
                await drain()
            case let .httpDone(id, result):
                switch result {
                case let .success((status, body)): engine.handle(.httpResult(id: id, status: status, body: body), now: clock.now())
                case let .failure(error): engine.handle(.httpFailed(id: id, reason: error.reason), now: clock.now())
                }
                await drain()
            }
            if finished { break }
            arm()
        }
        timer?.cancel()
        forward.cancel()
        recognition?.close()
        continuation.finish()
        return endReason
    }

    func handle(_ event: MediaEvent) async {
        let now = clock.now()
        switch event {
        case let .playbackFinished(tag, _):
            guard playing.removeValue(forKey: tag) != nil else { return }
            engine.handle(.promptFinished, now: now)
        case let .telephoneEvent(payload, ts, seq, marker):
            do {
                try dtmf.handleTelephoneEvent(payload: payload, rtpTimestamp: ts, sequence: seq, marker: marker, arrival: now)
            } catch {
                logger.debug("bad telephone-event payload", metadata: ["error": "\(error)"])
            }
            pumpDigits(now: now)
        case let .audio(payload, ts, seq, _):
            // Decode only while someone listens (DTMF fallback, barge-in, recording): otherwise a
            // call in playback costs no codec work.
            guard listening || recorder != nil, let audio else { return }
            lastAudioAt = now
            audio.insert(payload: payload, rtpTimestamp: ts, sequence: seq, arrival: now)
            pullAudio(now: now)
        case .connected, .remoteBye, .closed:
            return
        }
        await drain()
    }

    func pullAudio(now: Instant) {
        guard let audio else { return }
        for frame in audio.pull(now: now) {
            // In-band DTMF (the RFC 4733 fallback) on the 16 kHz stream: the tones and their octaves
            // are all below 4 kHz, and a third of the samples is a third of the work.
            if listening {
                try? dtmf.handleAudio(pcm: frame.audio16k, sampleRate: 16_000,
                                      at: inbandTime(now: now, samples: frame.audio16k.count))
            }
            recorder?.write(frame.pcm)
            let wasSpeaking = vad.isSpeaking
            for e in vad.process(frame.audio16k, at: now) {
                switch e {
                case .speechStarted:
                    // Speech barge-in: stop a prompt that allows it.
                    if playing.values.contains(true), listening { channel.stopPlayback() }
                    for f in preRoll { recognition?.feed(f) }
                    preRoll.removeAll()
                case .speechEnded:
                    if let r = recorder, r.endsOnSilence { r.silenceSeen = true }
                    recognition?.endUtterance()
                }
            }
            if let recognition {
                if vad.isSpeaking && wasSpeaking {
                    recognition.feed(frame.audio16k)
                } else if !vad.isSpeaking {
                    preRoll.append(frame.audio16k)
                    if preRoll.count > 10 { preRoll.removeFirst() }
                }
            }
        }
        pumpDigits(now: now)
        if let r = recorder, r.done(now: now) { finishRecording(now: now) }
    }

    func pumpDigits(now: Instant) {
        while let d = dtmf.pollDigit() {
            logger.info("digit", metadata: ["digit": "\(d.digit)", "via": "\(d.via.rawValue)"])
            Task { [finalizer, callID] in
                await finalizer.recordEvent(callID: callID, kind: CallEventKind.key, detail: String(d.digit))
            }
            if let r = recorder, r.finishKey == d.digit {
                finishRecording(now: now)
                continue
            }
            metrics?.input(kind: d.via == .rfc4733 ? "dtmf" : "dtmf_inband")
            engine.handle(.digit(d.digit), now: now)
        }
    }

    /// When the first of `samples` new 16 kHz samples was captured, on a timeline that restarts at
    /// `now` after a break in the stream (listening resumed, the caller's packets stopped).
    func inbandTime(now: Instant, samples: Int) -> Instant {
        if let t = inbandTimeline {
            let at = t.start + .nanoseconds(t.samples * 1_000_000_000 / 16_000)
            let offset = now - at
            if offset < .milliseconds(500), offset > .milliseconds(-500) {
                inbandTimeline = (t.start, t.samples + Int64(samples))
                return at
            }
        }
        inbandTimeline = (now, Int64(samples))
        return now
    }

    func finishRecording(now: Instant) {
        guard let r = recorder else { return }
        recorder = nil
        r.close()
        if let failure = r.failure { logger.error("recording failed", metadata: ["error": "\(failure)"]) }
        if !listening {
            audio = nil
            channel.setCallerAudioWanted(false)
        }
        engine.handle(.recordingFinished(path: r.path, seconds: r.seconds), now: now)
    }
}
