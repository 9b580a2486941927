import Wire

/// One telephone-event RTP packet as a sender would emit it: payload plus the RTP header fields.
public struct TelephoneEventPacket: Sendable, Hashable {
    public var event: TelephoneEvent
    /// The 4-byte RTP payload (`event.serialized()`).
    public var payload: [UInt8]
    public var rtpTimestamp: UInt32
    public var sequence: UInt16
    /// Set on the first packet of the press only.
    public var marker: Bool
    /// When the packet is due to be sent.
    public var sendTime: Instant
}

/// Produces the RFC 4733 packet sequence for one key press (section 2.5.1): a first packet with
/// the marker bit, an update every `updateInterval` carrying the duration so far, and the end
/// packet (E bit, final duration) sent `endRepeats` times `endRepeatInterval` apart. All packets
/// of a press share one RTP timestamp; presses longer than 0xFFFF clock units are split into
/// segments whose timestamps advance by 0xFFFF (section 2.5.1.4), each closed by a packet with
/// duration 0xFFFF. Used by tests to drive receivers, and for future outbound DTMF.
public struct TelephoneEventSender: Sendable {
    public let clockRate: Int
    public let updateInterval: Duration
    public let endRepeats: Int
    public let endRepeatInterval: Duration
    public let volume: UInt8

    public init(
        clockRate: Int = 8000, updateInterval: Duration = .milliseconds(50), endRepeats: Int = 3,
        endRepeatInterval: Duration = .milliseconds(20), volume: UInt8 = 10
    ) throws {
        guard clockRate > 0 else { throw DTMFError.invalidClockRate(clockRate) }
        guard updateInterval > .zero else {
            throw DTMFError.invalidSetting(name: "updateInterval", value: "\(updateInterval)", expected: "a positive duration")
        }
        guard endRepeats >= 1 else {
            throw DTMFError.invalidSetting(name: "endRepeats", value: "\(endRepeats)", expected: "at least 1")
        }
        guard endRepeatInterval >= .zero else {
            throw DTMFError.invalidSetting(name: "endRepeatInterval", value: "\(endRepeatInterval)", expected: "zero or a positive duration")
        }
        guard volume <= TelephoneEvent.maxVolume else {
            throw DTMFError.valueOutOfRange(field: "volume", value: Int(volume), max: Int(TelephoneEvent.maxVolume))
        }
        self.clockRate = clockRate
        self.updateInterval = updateInterval
        self.endRepeats = endRepeats
        self.endRepeatInterval = endRepeatInterval
        self.volume = volume
    }

    /// The packets for pressing `digit` for `duration`, starting at `start` with RTP timestamp
    /// `rtpTimestamp` and sequence number `firstSequence` (both wrap).
    public func packets(
        digit: Character, duration: Duration, rtpTimestamp: UInt32, firstSequence: UInt16, start: Instant
    ) throws -> [TelephoneEventPacket] {
        guard let code = TelephoneEvent.event(forDigit: digit) else { throw DTMFError.notADigit(digit) }
        guard duration > .zero else {
            throw DTMFError.invalidSetting(name: "duration", value: "\(duration)", expected: "a positive duration")
        }
        let segmentLength = UInt64(UInt16.max)
        let totalUnits = units(duration)
        var out: [TelephoneEventPacket] = []
        var sequence = firstSequence
        var segment: UInt64 = 0

        func emit(segment: UInt64, units: UInt64, end: Bool, at time: Instant) throws {
            let event = TelephoneEvent(event: code, isEnd: end, volume: volume, duration: UInt16(clamping: units))
            out.append(TelephoneEventPacket(
                event: event, payload: try event.serialized(),
                rtpTimestamp: rtpTimestamp &+ UInt32(truncatingIfNeeded: segment * segmentLength),
                sequence: sequence, marker: out.isEmpty, sendTime: time))
            sequence &+= 1
        }

        var elapsed = Duration.zero
        while elapsed < duration {
            let now = units(elapsed)
            let current = now / segmentLength
            while segment < current {
                try emit(segment: segment, units: segmentLength, end: false, at: start + elapsed)
                segment += 1
            }
            try emit(segment: segment, units: now - segment * segmentLength, end: false, at: start + elapsed)
            elapsed += updateInterval
        }
        // The final segment is never empty: a total that is a multiple of 0xFFFF ends the last full one.
        let last = totalUnits == 0 ? 0 : (totalUnits - 1) / segmentLength
        while segment < last {
            try emit(segment: segment, units: segmentLength, end: false, at: start + duration)
            segment += 1
        }
        for repeatIndex in 0..<endRepeats {
            try emit(segment: last, units: totalUnits - last * segmentLength, end: true,
                     at: start + duration + endRepeatInterval * repeatIndex)
        }
        return out
    }

    /// `duration` in clock units, rounded down.
    func units(_ duration: Duration) -> UInt64 {
        let nanos = max(duration.totalNanoseconds, 0)
        return UInt64(nanos) / 1_000_000_000 * UInt64(clockRate)
            + UInt64(nanos) % 1_000_000_000 * UInt64(clockRate) / 1_000_000_000
    }
}
