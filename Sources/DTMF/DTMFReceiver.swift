import Wire

/// Turns the RFC 4733 telephone-event packets of one remote SSRC into key presses, each reported
/// exactly once. Sans-IO: fed payloads with their RTP fields and arrival time, and the current
/// time on timeouts; it never reads a clock.
///
/// A press is identified by its event RTP timestamp (RFC 4733 section 2.5.1.1), never by the
/// marker bit or sequence numbers, which may be lost or reordered:
/// - every packet carrying an already reported timestamp (updates, the three redundant end
///   packets, duplicates, a start arriving after its end) is ignored;
/// - a press is reported when its first end packet (E bit) arrives, when a press with a later
///   timestamp begins (its end packets were lost), or `endTimeout` (250 ms by default) after the
///   last packet of the press arrived, through `handleTimeout(now:)`;
/// - a press whose only packets are updates (lost start) is reported like any other;
/// - events longer than 0xFFFF clock units arrive as segments whose timestamps advance by the
///   previous segment's duration (section 2.5.1.4); a segment with the same event code that
///   follows an unended segment by 0xFFFF units (within `segmentTolerance`) continues the press;
/// - timestamps compare in serial-number arithmetic, so they may wrap at 2^32; a timestamp comes round
///   again only after the reported presses went more than half-way round the circle (3.1 days at 8 kHz);
/// - a packet whose timestamp is not later than the newest reported press is stale and ignored.
///
/// The reported duration is the longest seen (in the payload type's clock), spanning segments;
/// the reported start is the earliest `arrival - duration-so-far` over the packets seen.
///
/// Bounded against a sender that floods (every limit counted in `statistics`):
/// - at most `maxBlocksPerPayload` (16) blocks of one payload are read; a payload may pack any number;
/// - a press spans at most `maxSegments` (16) segments, about 2 minutes at 8 kHz, then it is reported.
/// (The rate of presses is limited a layer up, by `DTMFDetector`: here every press is reported exactly once.)
public struct DTMFReceiver: Sendable {
    /// Silence after the last packet of a press before it is reported without an end packet.
    public static let defaultEndTimeout: Duration = .milliseconds(250)

    /// Counters for diagnostics.
    public struct Statistics: Sendable, Equatable {
        /// Telephone-event blocks accepted (all blocks of all payloads).
        public var events = 0
        /// Blocks whose event code is not a DTMF digit (> 15): ignored.
        public var unknownEvents = 0
        /// Blocks repeating a sequence number already seen for an open press.
        public var duplicates = 0
        /// Blocks for a press already reported, or older than the newest reported press.
        public var late = 0
        /// Presses reported without an end packet (timeout or a later press began).
        public var endsLost = 0
        /// Blocks past `maxBlocksPerPayload` in one payload: not read.
        public var blocksIgnored = 0
        public init() {}
    }

    struct Press: Sendable {
        var event: UInt8
        var firstTimestamp: UInt32
        var segmentTimestamps: [UInt32]
        var maxUnits: UInt64
        var earliestStart: Instant
        var lastArrival: Instant
        var sequences: Set<UInt16> = []

        var currentSegment: UInt32 { segmentTimestamps.last ?? firstTimestamp }
    }

    /// Clock rate of the telephone-event payload type (8000 for `telephone-event/8000`).
    public let clockRate: Int
    public let endTimeout: Duration
    public private(set) var statistics = Statistics()

    private var open: [Press] = []
    private var reported: [UInt32] = []
    private var newestReported: UInt32?
    private static let reportedMemory = 64
    /// Blocks read from one payload; RFC 4733 senders pack a few (redundant copies of recent events).
    public static let maxBlocksPerPayload = 16
    /// Segments of one press (each up to 0xFFFF units: about 8 s at 8 kHz).
    public static let maxSegments = 16

    public init(clockRate: Int = 8000, endTimeout: Duration = DTMFReceiver.defaultEndTimeout) throws {
        guard clockRate > 0 else { throw DTMFError.invalidClockRate(clockRate) }
        guard endTimeout > .zero else {
            throw DTMFError.invalidSetting(name: "endTimeout", value: "\(endTimeout)", expected: "a positive duration")
        }
        self.clockRate = clockRate
        self.endTimeout = endTimeout
    }

    /// Clock units by which a segment timestamp may differ from the expected +0xFFFF (100 ms).
    var segmentTolerance: UInt32 { UInt32(clamping: clockRate / 10) }

    /// Handles one telephone-event RTP payload. Returns the presses this packet completes, oldest
    /// first. Throws for a truncated payload or trailing bytes; the receiver state is unchanged then.
    public mutating func handle(
        payload: [UInt8], rtpTimestamp: UInt32, sequence: UInt16, marker: Bool, arrival: Instant
    ) throws -> [DigitEvent] {
        let blocks = try TelephoneEvent.parseAll(payload)
        var out: [DigitEvent] = []
        // Section 2.5.1.5: packed events follow each other without a gap.
        var timestamp = rtpTimestamp
        statistics.blocksIgnored += max(0, blocks.count - Self.maxBlocksPerPayload)
        for block in blocks.prefix(Self.maxBlocksPerPayload) {
            statistics.events += 1
            out += handle(block, timestamp: timestamp, sequence: sequence, arrival: arrival)
            timestamp &+= UInt32(block.duration)
        }
        return out
    }

    /// Reports the presses whose last packet arrived `endTimeout` or longer before `now`.
    public mutating func handleTimeout(now: Instant) -> [DigitEvent] {
        var out: [DigitEvent] = []
        while let index = open.firstIndex(where: { $0.lastArrival + endTimeout <= now }) {
            statistics.endsLost += 1
            out.append(finish(at: index))
        }
        return out
    }

    /// When `handleTimeout(now:)` should next be called: nil while no press is open.
    public func nextDeadline() -> Instant? {
        open.map { $0.lastArrival + endTimeout }.min()
    }

    /// True when a press has been seen and not yet reported.
    public var hasOpenPress: Bool { !open.isEmpty }

    // MARK: - Internals

    private mutating func handle(_ block: TelephoneEvent, timestamp: UInt32, sequence: UInt16, arrival: Instant) -> [DigitEvent] {
        guard block.digit != nil else {
            statistics.unknownEvents += 1
            return []
        }
        if reported.contains(timestamp) {
            statistics.late += 1
            return []
        }
        if let index = open.firstIndex(where: { $0.segmentTimestamps.contains(timestamp) }) {
            return update(at: index, with: block, timestamp: timestamp, sequence: sequence, arrival: arrival)
        }
        if let newest = newestReported, !Self.isAfter(timestamp, newest) {
            statistics.late += 1
            return []
        }
        if let index = open.firstIndex(where: { isContinuation(of: $0, event: block.event, timestamp: timestamp) }) {
            // A press held for minutes is reported at its segment limit; what follows is a new press.
            guard open[index].segmentTimestamps.count < Self.maxSegments else {
                statistics.endsLost += 1
                return [finish(at: index)]
            }
            open[index].segmentTimestamps.append(timestamp)
            return update(at: index, with: block, timestamp: timestamp, sequence: sequence, arrival: arrival)
        }
        // A new press. Every open press with an earlier timestamp is over: its end was lost.
        var out: [DigitEvent] = []
        while let index = open.firstIndex(where: { Self.isAfter(timestamp, $0.firstTimestamp) }) {
            statistics.endsLost += 1
            out.append(finish(at: index))
        }
        open.append(Press(
            event: block.event, firstTimestamp: timestamp, segmentTimestamps: [timestamp],
            maxUnits: 0, earliestStart: arrival, lastArrival: arrival))
        out += update(at: open.count - 1, with: block, timestamp: timestamp, sequence: sequence, arrival: arrival)
        // Still open while a later press is open: it arrived after that press began, so it is over.
        if let index = open.firstIndex(where: { $0.firstTimestamp == timestamp }),
           open.contains(where: { Self.isAfter($0.firstTimestamp, timestamp) }) {
            statistics.endsLost += 1
            out.append(finish(at: index))
        }
        return out
    }

    private mutating func update(at index: Int, with block: TelephoneEvent, timestamp: UInt32, sequence: UInt16, arrival: Instant) -> [DigitEvent] {
        var press = open[index]
        if !press.sequences.insert(sequence).inserted { statistics.duplicates += 1 }
        let units = UInt64(timestamp &- press.firstTimestamp) + UInt64(block.duration)
        press.maxUnits = max(press.maxUnits, units)
        press.earliestStart = min(press.earliestStart, arrival.earlier(by: duration(units: units)))
        press.lastArrival = max(press.lastArrival, arrival)
        open[index] = press
        return block.isEnd ? [finish(at: index)] : []
    }

    private func isContinuation(of press: Press, event: UInt8, timestamp: UInt32) -> Bool {
        guard press.event == event, Self.isAfter(timestamp, press.currentSegment) else { return false }
        let gap = timestamp &- press.currentSegment
        let expected = UInt32(UInt16.max)
        let distance = gap > expected ? gap - expected : expected - gap
        return distance <= segmentTolerance
    }

    private mutating func finish(at index: Int) -> DigitEvent {
        let press = open.remove(at: index)
        for segment in press.segmentTimestamps {
            reported.append(segment)
            if newestReported.map({ Self.isAfter(segment, $0) }) ?? true { newestReported = segment }
        }
        // Timestamps that came round the circle are ahead of the newest again: forget them, so a press there
        // is judged by serial order alone (however few presses came between).
        if let newest = newestReported { reported.removeAll { $0 != newest && !Self.isAfter(newest, $0) } }
        if reported.count > Self.reportedMemory { reported.removeFirst(reported.count - Self.reportedMemory) }
        return DigitEvent(
            digit: TelephoneEvent.digit(forEvent: press.event) ?? "?",
            rtpTimestamp: press.firstTimestamp,
            start: press.earliestStart,
            duration: duration(units: press.maxUnits),
            via: .rfc4733)
    }

    func duration(units: UInt64) -> Duration {
        let rate = UInt64(clockRate)
        let whole = units / rate
        let rest = units % rate
        return .seconds(Int64(whole)) + .nanoseconds(Int64(rest * 1_000_000_000 / rate))
    }

    /// Serial-number order on 32-bit RTP timestamps: `a` is later than `b`.
    static func isAfter(_ a: UInt32, _ b: UInt32) -> Bool {
        a != b && a &- b < 0x8000_0000
    }
}

extension Instant {
    /// The instant `duration` before this one.
    func earlier(by duration: Duration) -> Instant {
        Instant(nanoseconds: nanoseconds - duration.totalNanoseconds)
    }
}
