import Wire

/// The recording in progress in a `CallerAudioPipeline`: its limits and how much has been recorded.
public struct RecordingState: Sendable, Equatable {
    /// The longest a recording may be (ten minutes is the flow language's limit; this only
    /// keeps a bad value from overflowing).
    public static let longest: Duration = .seconds(86_400)

    public let started: Instant
    public let maxLength: Duration
    /// The flow's `silence:` setting. Any positive value makes the recording end at the end of the
    /// caller's speech (once `minimumSecondsBeforeSilence` of audio is recorded).
    public let silence: Duration
    public let finishKey: Character?
    /// The rate of the recorded samples.
    public let sampleRate: Int
    /// Samples emitted as `recordingFrames` so far.
    public internal(set) var samples = 0
    /// The caller's speech ended during the recording (and it ends on silence).
    public internal(set) var silenceSeen = false

    /// `maxSeconds` and `silenceSeconds` that are negative or not finite count as zero.
    public init(started: Instant, maxSeconds: Double, silenceSeconds: Double, finishKey: Character?, sampleRate: Int) {
        self.started = started
        self.maxLength = Self.duration(seconds: maxSeconds)
        self.silence = Self.duration(seconds: silenceSeconds)
        self.finishKey = finishKey
        self.sampleRate = max(1, sampleRate)
    }

    public var endsOnSilence: Bool { silence > .zero }
    public var seconds: Double { Double(samples) / Double(sampleRate) }
    /// When the maximum length is reached.
    public var deadline: Instant { started + maxLength }

    /// Why the recording is over at `now`, or nil while it goes on.
    public func endReason(now: Instant, minimumSecondsBeforeSilence: Double) -> RecordingEndReason? {
        if now >= deadline { return .maxLength }
        if silenceSeen, seconds > minimumSecondsBeforeSilence { return .silence }
        return nil
    }

    static func duration(seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        let capped = min(seconds, longest.seconds)
        return .nanoseconds(Int64((capped * 1e9).rounded()))
    }
}
