import DTMF

/// What a call's `CallerAudioPipeline` asks of the rest of the call, drained with `pollOutput()`.
public enum CallerAudioOutput: Sendable, Equatable {
    /// A key press for the flow, once however it was detected. A recording's finish key is not a
    /// digit: it ends the recording (`recordingFinished(reason: .finishKey)`).
    case digit(Character, via: DigitEvent.Source)
    /// The caller started speaking while a menu listens: the barge-in trigger.
    case speechStarted
    /// 16 kHz audio for the recognizer while it listens: at a speech start the pre-roll comes first
    /// (one output), then each frame until speech ends.
    case speechFrames([Int16])
    /// The caller stopped speaking while a menu listens (end of an utterance).
    case utteranceEnded
    /// Decoded audio for the recording in progress, at the configured rate; the edge writes it.
    case recordingFrames([Int16])
    /// The recording ended; `seconds` is the audio emitted as `recordingFrames`.
    case recordingFinished(seconds: Double, reason: RecordingEndReason)
}

/// Why a recording ended.
public enum RecordingEndReason: Sendable, Equatable {
    /// It reached its maximum length.
    case maxLength
    /// The caller's speech ended (after the minimum length).
    case silence
    /// The caller pressed the finish key (reported here, not as a digit).
    case finishKey(Character)
    /// `stopRecording` (the call ended, or the flow moved on).
    case stopped
}
