import Wire

/// One key press, reported once, however it was detected.
public struct DigitEvent: Sendable, Hashable, CustomStringConvertible {
    /// How the press was detected.
    public enum Source: String, Sendable, Hashable {
        /// RFC 4733 telephone-event RTP packets.
        case rfc4733
        /// Dual tones found in the decoded audio (Goertzel).
        case inband
    }

    /// '0'-'9', '*', '#', 'A'-'D'.
    public var digit: Character
    /// The RTP timestamp of the event (its first segment for long presses); nil for in-band digits.
    public var rtpTimestamp: UInt32?
    /// Local estimate of when the key went down: for RFC 4733, the earliest packet arrival minus
    /// the duration that packet reported; for in-band, the start of the first analysis window
    /// holding the tones (on the `at:` timeline of the audio).
    public var start: Instant
    /// How long the key was held (for RFC 4733 the longest reported duration, in the payload
    /// type's clock; for in-band, from the first to the last window holding the tones).
    public var duration: Duration
    /// Which detector reported it.
    public var via: Source

    public init(digit: Character, rtpTimestamp: UInt32?, start: Instant, duration: Duration, via: Source) {
        self.digit = digit
        self.rtpTimestamp = rtpTimestamp
        self.start = start
        self.duration = duration
        self.via = via
    }

    public var description: String {
        let ts = rtpTimestamp.map { " ts=\($0)" } ?? ""
        return "digit \(digit) via \(via.rawValue)\(ts) start=\(start) duration=\(duration)"
    }
}
