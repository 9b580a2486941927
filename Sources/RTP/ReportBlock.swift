import Wire

/// One reception report block (RFC 3550 6.4.1), carried in SR and RR.
public struct ReportBlock: Equatable, Sendable {
    public static let length = 24
    /// Largest and smallest values of the 24-bit signed cumulative-lost field.
    public static let maxCumulativeLost: Int32 = 0x7F_FFFF
    public static let minCumulativeLost: Int32 = -0x80_0000

    public var ssrc: UInt32
    /// Fraction of packets lost since the previous report, as a fixed-point number with the point at the left.
    public var fractionLost: UInt8
    /// 24-bit signed; negative when duplicates arrive.
    public var cumulativeLost: Int32
    /// Extended highest sequence number received (cycles << 16 | highest).
    public var highestSequence: UInt32
    /// Interarrival jitter in RTP timestamp units.
    public var jitter: UInt32
    /// Middle 32 bits of the NTP time of the last SR received from this source, or 0.
    public var lastSenderReport: UInt32
    /// Delay since that SR in 1/65536 s, or 0.
    public var delaySinceLastSenderReport: UInt32

    public init(ssrc: UInt32, fractionLost: UInt8, cumulativeLost: Int32, highestSequence: UInt32,
                jitter: UInt32, lastSenderReport: UInt32, delaySinceLastSenderReport: UInt32) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.highestSequence = highestSequence
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    static func parse(_ r: inout RTPReader) throws -> ReportBlock {
        let ssrc = try r.u32("report block SSRC")
        let fraction = try r.u8("report block fraction lost")
        let raw = try r.u24("report block cumulative lost")
        // Sign-extend the 24-bit two's-complement value.
        let lost = Int32(bitPattern: raw << 8) >> 8
        return ReportBlock(ssrc: ssrc, fractionLost: fraction, cumulativeLost: lost,
                           highestSequence: try r.u32("report block highest sequence"),
                           jitter: try r.u32("report block jitter"),
                           lastSenderReport: try r.u32("report block LSR"),
                           delaySinceLastSenderReport: try r.u32("report block DLSR"))
    }

    func write(to w: inout ByteWriter) {
        w.write(ssrc)
        w.write(fractionLost)
        let lost = min(max(cumulativeLost, Self.minCumulativeLost), Self.maxCumulativeLost)
        let raw = UInt32(bitPattern: lost) & 0xFF_FFFF
        w.write(UInt8(truncatingIfNeeded: raw >> 16))
        w.write(UInt16(truncatingIfNeeded: raw))
        w.write(highestSequence)
        w.write(jitter)
        w.write(lastSenderReport)
        w.write(delaySinceLastSenderReport)
    }
}
