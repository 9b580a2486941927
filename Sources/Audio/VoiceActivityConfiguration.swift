/// Tuning for `VoiceActivityDetector`.
public struct VoiceActivityConfiguration: Sendable, Equatable {
    /// A window is speech when its level is this far above the noise floor…
    public var startMarginDB = 10.0
    /// …or, once speech has started, this far (hysteresis).
    public var continueMarginDB = 6.0
    /// Never speech below this level (digital silence, line hiss).
    public var minimumLevelDBFS = -50.0
    /// …and, while our prompt plays (`VoiceActivityDetector.playbackActive`), never below this one:
    /// the caller's phone sends back what its echo canceller leaves of the prompt, about 20 dB down,
    /// and to a level detector that is speech. The example prompts' loudest 10 ms windows are about
    /// -12 dBFS and Flite's `say:` about -9.5 dBFS, so their echo stays under -29.5 dBFS, while a
    /// caller's syllables reach -20 to -10 dBFS (Tests/SpeechTests/VoiceBargeInTests measures both).
    public var playbackMinimumLevelDBFS = -26.0
    /// Speech windows in a row needed to start speech.
    public var minimumSpeech: Duration = .milliseconds(60)
    /// Quiet time after the last speech window before speech ends (bridges pauses between words).
    public var hangover: Duration = .milliseconds(300)
    /// The noise floor is the quietest window level over this span (minimum statistics).
    public var noiseWindow: Duration = .milliseconds(1500)

    public init() {}
}
