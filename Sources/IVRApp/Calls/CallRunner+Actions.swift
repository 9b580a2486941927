import Audio
import Speech
import Flow
import Foundation
import Store
import Wire

extension CallRunner {
    /// Carries out every action the engine has queued.
    func drain() async {
        await recordStep()
        while let action = engine.pollAction() {
            // The step is recorded before its actions run: a hangup finalizes the call at once.
            await recordStep()
            await perform(action)
        }
        await recordStep()
    }

    /// Records the steps the engine entered since the last call (its path is the ground truth:
    /// it includes a final hangup step the engine has already left).
    func recordStep() async {
        while recordedSteps < engine.path.count {
            let step = engine.path[recordedSteps].step
            recordedSteps += 1
            await finalizer.recordEvent(callID: callID, kind: CallEventKind.step, detail: step)
        }
    }

    func perform(_ action: FlowAction) async {
        let now = clock.now()
        switch action {
        case let .play(ids, bargeIn):
            var frames: [[UInt8]] = []
            for id in ids {
                do {
                    frames += try prompts.frames(prompt: id, settings: settings)
                } catch {
                    logger.error("prompt unavailable", metadata: ["prompt": "\(id)", "error": "\(error)"])
                    await finalizer.recordEvent(callID: callID, kind: CallEventKind.error, detail: "prompt: \(error)")
                }
            }
            let tag = nextTag
            nextTag += 1
            playing[tag] = bargeIn
            channel.play(frames: frames, tag: tag)
            await finalizer.recordEvent(callID: callID, kind: CallEventKind.prompt, detail: ids.joined(separator: ","))
        case .stopPlayback:
            channel.stopPlayback()
        case let .listen(_, keywords, _):
            listening = true
            channel.setCallerAudioWanted(true)
            if audio == nil { audio = try? CallerAudioDecoder(sampleRate: Self.callerAudioRate) }
            startRecognition(keywords)
        case .stopListening:
            listening = false
            stopRecognition()
            if recorder == nil {
                audio = nil
                channel.setCallerAudioWanted(false)
            }
        case let .http(id, method, url, headers, body, timeout):
            let continuation = inputs
            let http = self.http
            await finalizer.recordEvent(callID: callID, kind: CallEventKind.http, detail: "\(method) \(url)")
            Task {
                let result = await http.perform(method: method, url: url, headers: headers, body: body, timeout: timeout)
                continuation?.yield(.httpDone(id: id, result: result))
            }
        case let .record(path, maxSeconds, silenceSeconds, finishKey):
            do {
                try RecordingDirectory.prepare((path as NSString).deletingLastPathComponent)
                recorder = try Recorder(path: path, started: now, maxSeconds: maxSeconds, silenceSeconds: silenceSeconds,
                                        finishKey: finishKey)
                channel.setCallerAudioWanted(true)
                if audio == nil { audio = try? CallerAudioDecoder(sampleRate: Self.callerAudioRate) }
            } catch {
                logger.error("cannot record", metadata: ["path": "\(path)", "error": "\(error)"])
                engine.handle(.recordingFinished(path: path, seconds: 0), now: now)
            }
        case let .hangup(reason):
            guard !mediaEnded else { return }
            logger.info("flow hangs up", metadata: ["reason": "\(reason)"])
            // The last prompt's final packets are on the wire; let the caller's jitter buffer play
            // them out before the call ends, so a goodbye is not clipped.
            try? await Task.sleep(for: .milliseconds(400))
            await finalizer.finalize(callID: callID, phoneNumberID: phoneNumberID, reason: .hangup(disposition: reason))
            await channel.close(reason: "flow hung up: \(reason)")
        case let .setVariable(name, value):
            await finalizer.recordVariables(callID: callID, [name: value.quoted], redact: redact)
        case let .finished(outcome):
            logger.info("flow finished", metadata: ["status": "\(outcome.status.rawValue)", "reason": "\(outcome.reason)"])
            finished = true
        }
    }

    /// One timer for the engine, DTMF and the jitter buffer: wakes at the earliest deadline.
    static let audioIdle: Duration = .milliseconds(150)
    /// WhatsApp's offers announce a wideband caller (`maxplaybackrate=16000`): decoding at 16 kHz
    /// keeps all of it, feeds the VAD, DTMF and speech directly, and records voicemail at 16 kHz.
    static let callerAudioRate = 16_000

    func arm() {
        // While the caller's packets keep coming, each batch pulls the decoder on arrival; its own
        // deadline only matters once they stop (a gap, DTX, a hang-up), so no 20 ms timer per call.
        let audioDeadline = audio?.nextDeadline().map { d in lastAudioAt.map { max(d, $0 + Self.audioIdle) } ?? d }
        let deadlines = [engine.nextDeadline(), dtmf.nextDeadline(), audioDeadline,
                         recorder.map { $0.deadline }].compactMap { $0 }
        guard let next = deadlines.min() else { return }
        if let at = timerAt, at <= next { return }
        timer?.cancel()
        timerAt = next
        let delay = max(0, next.nanoseconds - clock.now().nanoseconds)
        let continuation = inputs
        timer = Task {
            try? await Task.sleep(for: .nanoseconds(delay))
            if !Task.isCancelled { continuation?.yield(.tick) }
        }
    }
}

/// A voicemail being written: ends at the maximum length, after trailing silence, or on the finish key.
final class Recorder {
    let path: String
    let writer: WAVWriter
    let started: Instant
    let maxSeconds: Double
    let silenceSeconds: Double
    let finishKey: Character?
    var samples = 0
    /// The first write or finish failure (disk full, I/O error): nothing more is written after it.
    var failure: AudioFileError?
    var silenceSeen = false
    var lastSound: Instant

    init(path: String, started: Instant, maxSeconds: Double, silenceSeconds: Double, finishKey: Character?) throws {
        self.path = path
        self.writer = try WAVWriter(path: path, sampleRate: Int32(CallRunner.callerAudioRate))
        self.started = started
        self.maxSeconds = maxSeconds
        self.silenceSeconds = silenceSeconds
        self.finishKey = finishKey
        self.lastSound = started
    }

    var endsOnSilence: Bool { silenceSeconds > 0 }
    var seconds: Double { Double(samples) / Double(CallRunner.callerAudioRate) }
    var deadline: Instant { started + .milliseconds(Int(maxSeconds * 1000)) }

    func write(_ pcm: [Int16]) {
        guard failure == nil else { return }
        do { try writer.write(pcm) } catch { failure = error }
        samples = writer.framesWritten
    }

    func done(now: Instant) -> Bool {
        now >= deadline || (silenceSeen && seconds > 0.5)
    }

    func close() {
        do { try writer.close() } catch { failure = failure ?? error }
    }
}

extension CallRunner {
    /// Starts keyword recognition for a menu's spoken options (voice-activity gated, on the pool's
    /// threads, never on the media path). A saturated pool leaves the menu on DTMF.
    func startRecognition(_ keywords: [String]) {
        stopRecognition()
        guard !keywords.isEmpty, let speech else { return }
        guard let session = speech.start(keywords: keywords) else {
            logger.warning("speech recognition saturated; this menu takes keys only")
            metrics?.speechSaturated()
            return
        }
        recognitionGeneration += 1
        recognition = session
        let generation = recognitionGeneration, continuation = inputs, log = logger
        Task {
            for await event in session.events {
                switch event {
                case let .keyword(match):
                    continuation?.yield(.keyword(match.word, confidence: match.confidence, generation: generation))
                case let .failed(error):
                    log.error("speech recognition failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    func stopRecognition() {
        recognition?.close()
        recognition = nil
        preRoll.removeAll()
    }
}
