import Wire

/// Times a decoded audio stream by counting its samples. The caller's audio arrives in batches
/// (about 60 ms apart) and a batch's frames are pulled together, so reading the clock would stamp
/// three frames with one instant; counted samples keep each frame's own time. The timeline starts
/// at `now` and restarts there whenever the count drifts more than `tolerance` from the clock
/// (a break in the stream).
public struct SampleTimeline: Sendable, Equatable {
    public let sampleRate: Int
    public let tolerance: Duration
    private var start: Instant?
    private var samples: Int64 = 0

    public init(sampleRate: Int, tolerance: Duration) {
        self.sampleRate = max(1, sampleRate)
        self.tolerance = tolerance
    }

    /// The time of the first of `count` new samples, which the stream delivers at `now`.
    public mutating func stamp(samples count: Int, now: Instant) -> Instant {
        if let start {
            let at = start + elapsed(samples)
            if (now - at) < tolerance, (at - now) < tolerance {
                samples += Int64(count)
                return at
            }
        }
        start = now
        samples = Int64(count)
        return now
    }

    /// Forgets the stream: the next stamp starts a new timeline.
    public mutating func reset() {
        start = nil
        samples = 0
    }

    private func elapsed(_ count: Int64) -> Duration {
        let rate = Int64(sampleRate)
        return .nanoseconds(count / rate * 1_000_000_000 + count % rate * 1_000_000_000 / rate)
    }
}
