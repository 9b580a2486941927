import Testing
import Wire
@testable import RTP

@Suite struct SenderAndNTPTests {
    @Test func ntpFromUnixTime() {
        #expect(NTPTime(unixSeconds: 0).rawValue == 2_208_988_800 << 32)
        let t = NTPTime(unixNanoseconds: 1_500_000_000)
        #expect(t.seconds == 2_208_988_801)
        #expect(t.fraction == 0x8000_0000)
        #expect(t.middle32 == 0x0001_8000 | (2_208_988_801 & 0xFFFF) << 16)
        #expect(t.unixNanoseconds == 1_500_000_000)
        #expect(t.unixSeconds == 1.5)
        // 2026-01-01T00:00:00Z = 1767225600 Unix; NTP seconds 3976214400.
        #expect(NTPTime(unixSeconds: 1_767_225_600).seconds == 3_976_214_400)
        #expect(NTPTime(unixNanoseconds: 1_767_225_600_250_000_000).fraction == 0x4000_0000)
    }

    @Test func shortDurationUnits() {
        #expect(NTPShortDuration.units(.milliseconds(1500)) == 98_304)
        #expect(NTPShortDuration.units(.seconds(-1)) == 0)
        #expect(NTPShortDuration.duration(units: 65536) == .seconds(1))
    }

    @Test func rtpClockUnits() {
        #expect(RTPClock.units(of: Instant(nanoseconds: 20_000_000), clockRate: 48000) == 960)
        // Far from the origin the multiplication must not overflow, and the value wraps mod 2^32.
        let big = Instant(nanoseconds: 400 * 86_400 * 1_000_000_000)
        #expect(RTPClock.units(of: big, clockRate: 48000) == UInt32(truncatingIfNeeded: Int64(400 * 86_400) * 48000))
    }

    @Test func senderReportDescribesOneInstant() {
        var sender = SenderStatistics(ssrc: 0xabcd)
        for _ in 0..<50 { sender.recordSent(payloadBytes: 40) }
        sender.recordSent(RTPPacket(payloadType: 111, sequenceNumber: 1, timestamp: 1, ssrc: 0xabcd, payload: [1, 2, 3]))
        let mapping = RTPTimestampMapping(anchor: Instant(nanoseconds: 1_000_000_000), anchorTimestamp: 1000,
                                          clockRate: 48000)
        let now = Instant(nanoseconds: 2_020_000_000)
        let wall = NTPTime(unixSeconds: 1_767_225_600)
        let block = ReportBlock(ssrc: 1, fractionLost: 0, cumulativeLost: 0, highestSequence: 0, jitter: 0,
                                lastSenderReport: 0, delaySinceLastSenderReport: 0)
        let sr = sender.makeSenderReport(now: now, wallClock: wall, mapping: mapping, reports: [block])
        #expect(sr == RTCPSenderReport(ssrc: 0xabcd, ntpTime: wall, rtpTimestamp: 1000 + 48960, packetCount: 51,
                                       octetCount: 2003, reports: [block]))
        #expect(mapping.timestamp(at: Instant(nanoseconds: 980_000_000)) == 40)
        #expect(mapping.timestamp(at: Instant(nanoseconds: 0)) == 1000 &- 48000)
    }

    @Test func countersWrap() {
        var sender = SenderStatistics(ssrc: 1)
        sender.recordSent(payloadBytes: Int(UInt32.max))
        sender.recordSent(payloadBytes: 2)
        #expect(sender.octetCount == 1)
        #expect(sender.packetCount == 2)
    }
}
