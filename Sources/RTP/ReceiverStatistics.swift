import Wire

/// Reception statistics for one remote SSRC (RFC 3550 A.1 sequence validation, A.3 loss, A.8 jitter),
/// producing report blocks for SR/RR. Sans-IO: arrival and report times are passed in.
public struct ReceiverStatistics: Sendable {
    static let sequenceModulo: UInt32 = 1 << 16
    static let maxDropout: UInt16 = 3000
    static let maxMisorder: UInt16 = 100

    /// The remote source these statistics describe.
    public let ssrc: UInt32
    /// RTP clock rate of the source's payload (48,000 for Opus).
    public let clockRate: Int
    /// Sequential packets required before a new source is valid (RFC 3550 A.1 MIN_SEQUENTIAL).
    public let minSequential: Int

    private var started = false
    private var probation = 0
    private var maxSeq: UInt16 = 0
    private var cycles: UInt32 = 0
    private var baseSeq: UInt32 = 0
    private var badSeq: UInt32 = sequenceModulo + 1
    /// Valid packets received (duplicates included, as in RFC 3550 A.1).
    public private(set) var packetsReceived: UInt32 = 0
    private var expectedPrior: UInt32 = 0
    private var receivedPrior: UInt32 = 0

    private var lastTransit: Int32?
    /// Interarrival jitter estimate in RTP timestamp units (A.8, floating point).
    public private(set) var jitterEstimate: Double = 0

    private var lastSRNTPMiddle: UInt32 = 0
    private var lastSRArrival: Instant?

    public init(ssrc: UInt32, clockRate: Int, minSequential: Int = 2) {
        self.ssrc = ssrc
        self.clockRate = clockRate
        self.minSequential = max(minSequential, 0)
    }

    /// True once probation has passed (A.1).
    public var isValid: Bool { started && probation == 0 }

    /// Extended highest sequence number received: cycles in the high 16 bits.
    public var highestExtendedSequence: UInt32 { cycles &+ UInt32(maxSeq) }

    /// Packets expected since the first valid one (A.3).
    public var expected: UInt32 {
        isValid ? highestExtendedSequence &- baseSeq &+ 1 : 0
    }

    /// Expected minus received, clamped to the 24-bit signed range of the report block.
    public var cumulativeLost: Int32 {
        let lost = Int64(expected) - Int64(packetsReceived)
        return Int32(min(max(lost, Int64(ReportBlock.minCumulativeLost)), Int64(ReportBlock.maxCumulativeLost)))
    }

    /// Jitter as reported: the estimate truncated to an integer of RTP units.
    public var jitter: UInt32 { UInt32(jitterEstimate) }

    /// Records a received packet. Returns false while the source is on probation or when the sequence
    /// jumped so far that the packet is set aside (A.1); such packets do not count.
    @discardableResult
    public mutating func record(sequenceNumber seq: UInt16, rtpTimestamp: UInt32, arrival: Instant) -> Bool {
        if !started {
            started = true
            initSequence(seq)
            if minSequential > 0 {
                maxSeq = seq &- 1
                probation = minSequential
            }
        }
        guard updateSequence(seq) else { return false }
        updateJitter(rtpTimestamp: rtpTimestamp, arrival: arrival)
        return true
    }

    /// Records a parsed packet (convenience for `record(sequenceNumber:rtpTimestamp:arrival:)`).
    @discardableResult
    public mutating func record(_ packet: RTPPacket, arrival: Instant) -> Bool {
        record(sequenceNumber: packet.sequenceNumber, rtpTimestamp: packet.timestamp, arrival: arrival)
    }

    /// Remembers the source's latest SR for LSR/DLSR.
    public mutating func recordSenderReport(_ report: RTCPSenderReport, arrival: Instant) {
        lastSRNTPMiddle = report.ntpTime.middle32
        lastSRArrival = arrival
    }

    /// Builds the report block for `now` and starts a new interval for "fraction lost" (A.3).
    public mutating func makeReportBlock(now: Instant) -> ReportBlock {
        let expected = self.expected
        let expectedInterval = expected &- expectedPrior
        expectedPrior = expected
        let receivedInterval = packetsReceived &- receivedPrior
        receivedPrior = packetsReceived
        let lostInterval = Int64(expectedInterval) - Int64(receivedInterval)
        var fraction: UInt8 = 0
        if expectedInterval != 0 && lostInterval > 0 {
            fraction = UInt8(clamping: (lostInterval << 8) / Int64(expectedInterval))
        }
        var dlsr: UInt32 = 0
        if let arrival = lastSRArrival { dlsr = NTPShortDuration.units(now - arrival) }
        return ReportBlock(ssrc: ssrc, fractionLost: fraction, cumulativeLost: cumulativeLost,
                           highestSequence: highestExtendedSequence, jitter: jitter,
                           lastSenderReport: lastSRArrival == nil ? 0 : lastSRNTPMiddle,
                           delaySinceLastSenderReport: dlsr)
    }

    // MARK: RFC 3550 A.1

    private mutating func initSequence(_ seq: UInt16) {
        baseSeq = UInt32(seq)
        maxSeq = seq
        badSeq = Self.sequenceModulo + 1
        cycles = 0
        packetsReceived = 0
        receivedPrior = 0
        expectedPrior = 0
    }

    private mutating func updateSequence(_ seq: UInt16) -> Bool {
        let delta = seq &- maxSeq
        if probation > 0 {
            if seq == maxSeq &+ 1 {
                probation -= 1
                maxSeq = seq
                if probation == 0 {
                    initSequence(seq)
                    packetsReceived &+= 1
                    return true
                }
            } else {
                probation = minSequential - 1
                maxSeq = seq
            }
            return false
        } else if delta < Self.maxDropout {
            if seq < maxSeq { cycles &+= Self.sequenceModulo }  // wrapped
            maxSeq = seq
        } else if UInt32(delta) <= Self.sequenceModulo - UInt32(Self.maxMisorder) {
            // A very large jump: resynchronise only if the next packet follows it.
            if UInt32(seq) == badSeq {
                initSequence(seq)
            } else {
                badSeq = (UInt32(seq) + 1) & (Self.sequenceModulo - 1)
                return false
            }
        } else {
            // Duplicate or reordered packet: counted, no change to maxSeq.
        }
        packetsReceived &+= 1
        return true
    }

    // MARK: RFC 3550 A.8

    private mutating func updateJitter(rtpTimestamp: UInt32, arrival: Instant) {
        let arrivalUnits = RTPClock.units(of: arrival, clockRate: clockRate)
        let transit = Int32(bitPattern: arrivalUnits &- rtpTimestamp)
        if let last = lastTransit {
            let d = Double(abs(Int64(transit &- last)))
            jitterEstimate += (d - jitterEstimate) / 16
        }
        lastTransit = transit
    }
}

/// Conversions between `Instant`s and RTP timestamp units.
public enum RTPClock {
    /// `instant` expressed in ticks of a `clockRate` Hz clock, modulo 2^32 (no overflow for any Instant).
    public static func units(of instant: Instant, clockRate: Int) -> UInt32 {
        let ns = instant.nanoseconds
        let rate = Int64(clockRate)
        let whole = ns / 1_000_000_000
        let rest = ns % 1_000_000_000
        let ticks = whole &* rate &+ (rest * rate) / 1_000_000_000
        return UInt32(truncatingIfNeeded: ticks)
    }
}
