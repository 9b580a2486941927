import Audio
import DTMF
import Wire

/// Everything a call does with what the caller sends: RFC 4733 key presses, and — only while a
/// menu listens or a recording runs — the decoded audio: in-band DTMF (the RFC 4733 fallback, with
/// one digit per press when both see it), voice activity (barge-in, utterances for the
/// recognizer, with a pre-roll), and the recording with its end rules.
///
/// Sans-IO, str0m-style: feed packets and timeouts with the current time, drain `pollOutput()`,
/// and wake at `nextDeadline()`. It never reads the clock; files, sockets and the recognizer stay
/// at the edge. Not thread-safe: one per call, owned by the call.
public final class CallerAudioPipeline {
    public let configuration: CallerAudioConfiguration
    /// A menu or gather listens: in-band DTMF and speech start/end are reported.
    public private(set) var isListening = false
    /// A recognizer listens too: speech frames (with the pre-roll) are reported.
    public private(set) var isRecognizing = false
    /// The recording in progress.
    public private(set) var recording: RecordingState?
    /// Payloads lost because the in-band detector refused the audio (never expected: the rate is fixed).
    public private(set) var inbandFailures = 0
    /// Times a decoder could not be made (the caller's audio is then ignored until the next try).
    public private(set) var decoderFailures = 0

    private var decoder: CallerAudioDecoder?
    private var dtmf: DTMFDetector
    private var vad: VoiceActivityDetector
    private var timeline: SampleTimeline
    private var preRoll: [[Int16]] = []
    /// When the caller's last audio packet was handed over (the audio idle rule).
    private var lastAudioAt: Instant?
    /// Our prompt plays; after it stopped, its echo may arrive until `echoUntil`.
    private var playing = false
    private var echoUntil: Instant?
    private var outputs: [CallerAudioOutput] = []
    private var outputHead = 0

    private static let analysisRate = 16_000

    /// Throws `AudioError` or `DTMFError` for a configuration that cannot work.
    public init(configuration: CallerAudioConfiguration = CallerAudioConfiguration()) throws {
        self.configuration = configuration
        // Checks the rate and the codec now, so the decoders made later only fail for want of memory.
        _ = try CallerAudioDecoder(jitter: configuration.jitter, sampleRate: configuration.sampleRate)
        dtmf = try DTMFDetector(configuration: configuration.dtmf)
        vad = VoiceActivityDetector(sampleRate: Self.analysisRate, configuration: configuration.voiceActivity)
        timeline = SampleTimeline(sampleRate: Self.analysisRate, tolerance: configuration.timelineTolerance)
    }

    /// Whether the caller's audio is wanted: the edge turns the channel's audio events on or off.
    public var wantsAudio: Bool { isListening || recording != nil }

    /// Key presses seen both ways (RFC 4733 and in-band) and reported once.
    public var duplicateDigits: Int { dtmf.deduplicator.suppressed }

    /// Whether audio is being decoded right now (only while it is wanted).
    public var isDecoding: Bool { decoder != nil }

    /// A menu or gather starts or stops listening. Stopping also stops recognition.
    public func setListening(_ on: Bool) {
        isListening = on
        if on {
            ensureDecoder()
        } else {
            setRecognizing(false)
            dropDecoderIfIdle()
        }
    }

    /// A recognizer starts (a new one each time) or stops listening: the pre-roll starts afresh.
    /// Only while listening.
    public func setRecognizing(_ on: Bool) {
        isRecognizing = on && isListening
        preRoll.removeAll()
    }

    /// Our prompt starts or stops playing. While it plays, and for `echoTail` after, the voice
    /// activity detector hears only speech louder than the prompt's residual echo.
    public func setPlaying(_ on: Bool, now: Instant) {
        playing = on
        if !on { echoUntil = now + configuration.echoTail }
    }

    /// Starts recording (replacing one in progress, which reports nothing). It ends at `maxSeconds`,
    /// at the end of the caller's speech when `silenceSeconds` is positive, or on `finishKey`.
    public func startRecording(maxSeconds: Double, silenceSeconds: Double, finishKey: Character?, now: Instant) {
        recording = RecordingState(started: now, maxSeconds: maxSeconds, silenceSeconds: silenceSeconds,
                                   finishKey: finishKey, sampleRate: configuration.sampleRate)
        ensureDecoder()
    }

    /// Ends the recording in progress (the call ended): reports `recordingFinished(.stopped)`.
    public func stopRecording() {
        guard recording != nil else { return }
        finishRecording(.stopped)
    }

    /// One RFC 4733 telephone-event packet, handled whether or not anyone listens (the flow
    /// decides what a key means). Throws `DTMFError` for a malformed payload, which is then ignored.
    public func handleTelephoneEvent(payload: [UInt8], rtpTimestamp: UInt32, sequence: UInt16, marker: Bool,
                                     now: Instant) throws {
        try dtmf.handleTelephoneEvent(payload: payload, rtpTimestamp: rtpTimestamp, sequence: sequence,
                                      marker: marker, arrival: now)
        pumpDigits()
    }

    /// One Opus packet from the caller. Ignored (not even decoded) unless audio is wanted.
    public func handleAudio(payload: [UInt8], rtpTimestamp: UInt32, sequence: UInt16, now: Instant) {
        guard wantsAudio, let decoder else { return }
        lastAudioAt = now
        decoder.insert(payload: payload, rtpTimestamp: rtpTimestamp, sequence: sequence, arrival: now)
        pull(now: now)
    }

    /// Call at `nextDeadline()`: key presses whose end packets were lost, audio due for playout
    /// (concealing what did not come), the recording's maximum length.
    public func handleTimeout(now: Instant) {
        dtmf.handleTimeout(now: now)
        pumpDigits()
        pull(now: now)
    }

    /// The next output, oldest first.
    public func pollOutput() -> CallerAudioOutput? {
        guard outputHead < outputs.count else { return nil }
        let output = outputs[outputHead]
        outputHead += 1
        if outputHead == outputs.count {
            outputs.removeAll(keepingCapacity: true)
            outputHead = 0
        }
        return output
    }

    /// When `handleTimeout` is next due: a key press waiting for its end, the jitter buffer's next
    /// frame (held back while packets keep coming, see `audioIdle`), the recording's maximum length.
    public func nextDeadline() -> Instant? {
        var deadlines = [dtmf.nextDeadline(), recording?.deadline]
        if let playout = decoder?.nextDeadline() {
            deadlines.append(lastAudioAt.map { max(playout, $0 + configuration.audioIdle) } ?? playout)
        }
        return deadlines.compactMap { $0 }.min()
    }

    // MARK: - Internals

    private func pull(now: Instant) {
        if let decoder {
            // Frames come out at their playout time; less the buffer's delay, that is about when
            // their packets arrived: the timeline RFC 4733 presses are stamped on, which the
            // de-duplication of a press seen both ways compares with.
            let arrival = now + (.zero - decoder.jitterBuffer.currentDelay)
            for frame in decoder.pull(now: now) { process(frame, arrival: arrival) }
        }
        pumpDigits()
        if let reason = recording?.endReason(now: now, minimumSecondsBeforeSilence: configuration.minimumSecondsBeforeSilence) {
            finishRecording(reason)
        }
    }

    private func process(_ frame: DecodedAudioFrame, arrival: Instant) {
        let audio16k = frame.audio16k
        let at = timeline.stamp(samples: audio16k.count, now: arrival)
        // In-band DTMF on the 16 kHz stream: the tones and their octaves are all below 4 kHz.
        if isListening {
            do {
                try dtmf.handleAudio(pcm: audio16k, sampleRate: Self.analysisRate, at: at)
            } catch {
                inbandFailures += 1
            }
        }
        if recording != nil {
            recording?.samples += frame.pcm.count
            emit(.recordingFrames(frame.pcm))
        }
        vad.playbackActive = playing || echoUntil.map { arrival < $0 } ?? false
        for event in vad.process(audio16k, at: at) {
            switch event {
            case .speechStarted:
                guard isListening else { break }
                emit(.speechStarted)
                if isRecognizing, !preRoll.isEmpty { emit(.speechFrames(preRoll.flatMap { $0 })) }
                preRoll.removeAll()
            case .speechEnded:
                if recording?.endsOnSilence == true { recording?.silenceSeen = true }
                if isListening { emit(.utteranceEnded) }
            }
        }
        guard isRecognizing else { return }
        if vad.isSpeaking {
            emit(.speechFrames(audio16k))
        } else {
            preRoll.append(audio16k)
            if preRoll.count > max(0, configuration.preRollFrames) { preRoll.removeFirst() }
        }
    }

    private func pumpDigits() {
        while let press = dtmf.pollDigit() {
            if let finishKey = recording?.finishKey, finishKey == press.digit {
                finishRecording(.finishKey(press.digit))
                continue
            }
            emit(.digit(press.digit, via: press.via))
        }
    }

    private func finishRecording(_ reason: RecordingEndReason) {
        guard let finished = recording else { return }
        recording = nil
        emit(.recordingFinished(seconds: finished.seconds, reason: reason))
        dropDecoderIfIdle()
    }

    private func ensureDecoder() {
        guard decoder == nil else { return }
        do {
            decoder = try CallerAudioDecoder(jitter: configuration.jitter, sampleRate: configuration.sampleRate)
        } catch {
            decoderFailures += 1
        }
    }

    /// Nobody listens and nothing records: a call in plain playback does no codec work.
    private func dropDecoderIfIdle() {
        guard !wantsAudio else { return }
        decoder = nil
    }

    private func emit(_ output: CallerAudioOutput) {
        outputs.append(output)
    }
}
