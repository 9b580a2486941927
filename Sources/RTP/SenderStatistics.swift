import Wire

/// Maps monotonic `Instant`s to RTP timestamps of one stream: the timestamp `anchorTimestamp` belongs to
/// `anchor`, and the clock advances `clockRate` ticks per second.
public struct RTPTimestampMapping: Equatable, Sendable {
    public var anchor: Instant
    public var anchorTimestamp: UInt32
    public var clockRate: Int

    public init(anchor: Instant, anchorTimestamp: UInt32, clockRate: Int) {
        self.anchor = anchor
        self.anchorTimestamp = anchorTimestamp
        self.clockRate = clockRate
    }

    /// The RTP timestamp of `instant` (which may precede the anchor).
    public func timestamp(at instant: Instant) -> UInt32 {
        let delta = Instant(nanoseconds: instant.nanoseconds &- anchor.nanoseconds)
        return anchorTimestamp &+ RTPClock.units(of: delta, clockRate: clockRate)
    }
}

/// What we have sent on one SSRC (RFC 3550 6.4.1 sender info), and the SR built from it.
public struct SenderStatistics: Sendable {
    public let ssrc: UInt32
    /// Packets sent (wraps at 2^32).
    public private(set) var packetCount: UInt32 = 0
    /// Payload octets sent, excluding headers and padding (wraps at 2^32).
    public private(set) var octetCount: UInt32 = 0

    public init(ssrc: UInt32) { self.ssrc = ssrc }

    /// Counts one sent packet carrying `payloadBytes` bytes of payload.
    public mutating func recordSent(payloadBytes: Int) {
        packetCount &+= 1
        octetCount &+= UInt32(truncatingIfNeeded: max(payloadBytes, 0))
    }

    public mutating func recordSent(_ packet: RTPPacket) {
        recordSent(payloadBytes: packet.payload.count)
    }

    /// An SR for `now`: `wallClock` is the caller's wall-clock NTP time at `now`, and the RTP timestamp
    /// comes from `mapping` at the same `now`, so both describe one instant.
    public func makeSenderReport(now: Instant, wallClock: NTPTime, mapping: RTPTimestampMapping,
                                 reports: [ReportBlock] = []) -> RTCPSenderReport {
        RTCPSenderReport(ssrc: ssrc, ntpTime: wallClock, rtpTimestamp: mapping.timestamp(at: now),
                         packetCount: packetCount, octetCount: octetCount, reports: reports)
    }
}
