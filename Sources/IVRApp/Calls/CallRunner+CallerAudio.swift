import Audio
import Flow
import Media
import Speech
import Wire

/// The edge of the call's `CallerAudioPipeline`: media events and timer ticks go in, and its
/// outputs become engine events (digits, recordings), effects (barge-in, events), the recognizer's
/// audio and the recording's WAV file.
extension CallRunner {
    func handleCallerTelephoneEvent(payload: [UInt8], rtpTimestamp: UInt32, sequence: UInt16, marker: Bool,
                                    now: Instant) {
        do {
            try callerAudio.handleTelephoneEvent(payload: payload, rtpTimestamp: rtpTimestamp, sequence: sequence,
                                                 marker: marker, now: now)
        } catch {
            logger.debug("bad telephone-event payload", metadata: ["error": "\(error)"])
        }
        pumpCallerAudio(now: now)
    }

    func pumpCallerAudio(now: Instant) {
        while let output = callerAudio.pollOutput() {
            switch output {
            case let .digit(digit, via):
                // Keys entering a `redact:` variable are as secret as its value; in order, with the
                // other effects, so the timeline shows keys as they were pressed.
                let shown = redaction.input(String(digit), engine: engine)
                logger.debug("digit", metadata: ["digit": "\(shown)", "via": "\(via.rawValue)"])
                effects.append(.event(.key, shown))
                metrics?.input(kind: via == .rfc4733 ? "dtmf" : "dtmf_inband")
                engine.handle(.digit(digit), now: now)
            case .speechStarted:
                // Speech alone does not stop a prompt: the phone's residual echo of the prompt is
                // speech to a level detector, and would cut every prompt a moment after it starts.
                // A word the menu acts on does (the engine's `.stopPlayback`).
                continue
            case let .speechFrames(pcm):
                recognition?.feed(pcm)
            case .utteranceEnded:
                recognition?.endUtterance()
            case let .recordingFrames(pcm):
                guard let writer = recordingWriter, recordingFailure == nil else { continue }
                do {
                    try writer.write(pcm)
                } catch {
                    // Disk full or an I/O error: the recording ends here, with the reason.
                    recordingFailure = error
                    callerAudio.stopRecording()
                }
            case let .recordingFinished(seconds, reason):
                if case let .finishKey(key) = reason { effects.append(.event(.key, String(key))) }
                let path = closeRecording()
                effects.append(.callerAudio(callerAudio.wantsAudio))
                if let failure = recordingFailure {
                    // The flow is told, so it never says "message saved" for a message that was not.
                    recordingFailure = nil
                    logger.error("recording failed", metadata: ["path": "\(path ?? "-")", "error": "\(failure)"])
                    effects.append(.event(.error, "recording failed: \(failure)"))
                    engine.handle(.recordingFailed(reason: "\(failure)"), now: now)
                    continue
                }
                guard let path else {
                    logger.error("recording finished without a file", metadata: ["reason": "\(reason)"])
                    engine.handle(.recordingFailed(reason: "no recording file was open"), now: now)
                    continue
                }
                engine.handle(.recordingFinished(path: path, seconds: seconds), now: now)
            }
        }
    }

    /// Closes the voicemail's file; returns its path.
    @discardableResult
    func closeRecording() -> String? {
        let path = recordingPath
        do {
            try recordingWriter?.close()
        } catch {
            recordingFailure = recordingFailure ?? error
        }
        recordingWriter = nil
        recordingPath = nil
        return path
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
        callerAudio.setRecognizing(true)
        effects.append(.recognition(session, generation: recognitionGeneration))
    }

    func stopRecognition() {
        callerAudio.setRecognizing(false)
        recognition?.close()
        recognition = nil
    }
}
