import Wire

/// What the media layer uses to turn a call's caller side into digits: RFC 4733 telephone events
/// (`DTMFReceiver`), in-band tones in the decoded audio (`GoertzelDetector`), and one report per
/// press when both see it (`DigitDeduplicator`). Sans-IO: feed packets, audio and timeouts with
/// the current time, then drain `pollDigit()` and wake at `nextDeadline()`.
///
/// Duplicates are recognised by comparing the two reports' `start` instants (within
/// `duplicateWindow`, 100 ms by default), so packet `arrival` and audio `at` must be on one
/// timeline: pass for `at` the arrival time of the RTP packet that carried the audio (or its
/// playout time minus the jitter-buffer delay). If the audio is stamped later than that by more
/// than a few tens of milliseconds, widen `duplicateWindow` by that delay.
///
/// RFC 4733 presses are passed on at most 20 a second (a burst of 20), faster than anyone keys: a sender
/// packing hundreds of events into its packets cannot turn each into a stored key. The rest are counted in
/// `pressesDropped`. (In-band tones need 40 ms of audio each, so the audio limits them already.)
public struct DTMFDetector: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Clock rate of the negotiated telephone-event payload type (8000 or 48000).
        public var telephoneEventClockRate = 8000
        /// See `DTMFReceiver.defaultEndTimeout`.
        public var endTimeout: Duration = DTMFReceiver.defaultEndTimeout
        /// See `DigitDeduplicator.defaultWindow`.
        public var duplicateWindow: Duration = DigitDeduplicator.defaultWindow
        /// When false, `handleAudio` ignores the audio.
        public var inbandEnabled = true
        public var inband = GoertzelDetector.Configuration()
        public init() {}
    }

    public let configuration: Configuration
    public private(set) var receiver: DTMFReceiver
    public private(set) var inband: GoertzelDetector
    public private(set) var deduplicator: DigitDeduplicator
    private var queue: [DigitEvent] = []
    private var allowance = PressAllowance()
    /// RFC 4733 presses over the rate: dropped.
    public private(set) var pressesDropped = 0

    public init(configuration: Configuration = Configuration()) throws {
        self.configuration = configuration
        receiver = try DTMFReceiver(clockRate: configuration.telephoneEventClockRate, endTimeout: configuration.endTimeout)
        inband = try GoertzelDetector(configuration: configuration.inband)
        deduplicator = try DigitDeduplicator(window: configuration.duplicateWindow)
    }

    /// One telephone-event RTP packet (payload after the RTP header, padding removed) from the
    /// caller's SSRC. Throws `DTMFError` for a malformed payload; the packet is then ignored.
    public mutating func handleTelephoneEvent(
        payload: [UInt8], rtpTimestamp: UInt32, sequence: UInt16, marker: Bool, arrival: Instant
    ) throws {
        let events = try receiver.handle(
            payload: payload, rtpTimestamp: rtpTimestamp, sequence: sequence, marker: marker, arrival: arrival)
        enqueue(limited(events, at: arrival))
    }

    /// Decoded caller audio (mono, 16-bit; 8, 16 or 48 kHz) whose first sample belongs to `at`.
    public mutating func handleAudio(pcm: [Int16], sampleRate: Int, at: Instant) throws {
        guard configuration.inbandEnabled else { return }
        enqueue(try inband.process(pcm: pcm, sampleRate: sampleRate, at: at))
    }

    /// Reports RFC 4733 presses whose end packets were lost; call at `nextDeadline()`.
    public mutating func handleTimeout(now: Instant) {
        enqueue(limited(receiver.handleTimeout(now: now), at: now))
    }

    /// The presses the rate allows; the others are counted and dropped.
    private mutating func limited(_ presses: [DigitEvent], at now: Instant) -> [DigitEvent] {
        presses.filter { _ in
            if allowance.take(at: now) { return true }
            pressesDropped += 1
            return false
        }
    }

    /// Reports an in-band tone still sounding when the audio stops (end of call or of listening).
    public mutating func flushAudio() {
        enqueue(inband.flush())
    }

    /// The next digit, oldest first.
    public mutating func pollDigit() -> DigitEvent? {
        queue.isEmpty ? nil : queue.removeFirst()
    }

    /// When `handleTimeout(now:)` is next due; nil when nothing waits on time.
    public func nextDeadline() -> Instant? {
        receiver.nextDeadline()
    }

    private mutating func enqueue(_ events: [DigitEvent]) {
        for event in events {
            if let admitted = deduplicator.admit(event) { queue.append(admitted) }
        }
    }
}
