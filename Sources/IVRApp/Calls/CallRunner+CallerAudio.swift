import Audio
import DTMF
import Flow
import Speech
import Wire

extension CallRunner {
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
                    if playing.values.contains(true), listening { effects.append(.stopPlayback) }
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
            // Keys entering a `redact:` variable are as secret as its value.
            let shown = redaction.input(String(d.digit), engine: engine)
            logger.debug("digit", metadata: ["digit": "\(shown)", "via": "\(d.via.rawValue)"])
            // In order, with the other effects: the timeline shows keys as they were pressed.
            effects.append(.event(.key, shown))
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
        if !listening {
            audio = nil
            effects.append(.callerAudio(false))
        }
        engine.handle(.recordingFinished(path: r.path, seconds: r.seconds), now: now)
    }

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
        effects.append(.recognition(session, generation: recognitionGeneration))
    }

    func stopRecognition() {
        recognition?.close()
        recognition = nil
        preRoll.removeAll()
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
    var silenceSeen = false

    init(path: String, started: Instant, maxSeconds: Double, silenceSeconds: Double, finishKey: Character?) throws {
        self.path = path
        self.writer = try WAVWriter(path: path, sampleRate: Int32(CallRunner.callerAudioRate))
        self.started = started
        self.maxSeconds = maxSeconds
        self.silenceSeconds = silenceSeconds
        self.finishKey = finishKey
    }

    var endsOnSilence: Bool { silenceSeconds > 0 }
    var seconds: Double { Double(samples) / Double(CallRunner.callerAudioRate) }
    var deadline: Instant { started + .milliseconds(Int64(min(max(maxSeconds, 0), 86_400) * 1000)) }

    func write(_ pcm: [Int16]) {
        writer.write(pcm)
        samples += pcm.count
    }

    func done(now: Instant) -> Bool {
        now >= deadline || (silenceSeen && seconds > 0.5)
    }

    func close() { writer.close() }
}
