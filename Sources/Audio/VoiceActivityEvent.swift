import Wire

/// A start or end of speech, at the time of the first (or just after the last) speech window.
public enum VoiceActivityEvent: Sendable, Equatable {
    case speechStarted(at: Instant)
    /// `at` is the end of the last window that held speech (before the hangover ran out).
    case speechEnded(at: Instant, duration: Duration)
}
