import Testing
import Wire
@testable import RTP

@Suite struct ReceiverStatisticsTests {
    static func ms(_ value: Int64) -> Instant { Instant(nanoseconds: value * 1_000_000) }

    /// Feeds sequence numbers 20 ms apart with matching timestamps (no jitter).
    static func feed(_ stats: inout ReceiverStatistics, _ sequence: [UInt16]) {
        for (i, seq) in sequence.enumerated() {
            stats.record(sequenceNumber: seq, rtpTimestamp: UInt32(seq) &* 960, arrival: ms(Int64(i) * 20))
        }
    }

    @Test func probationHoldsBackTheFirstPacket() {
        var stats = ReceiverStatistics(ssrc: 1, clockRate: 48000)
        let r1 = stats.record(sequenceNumber: 100, rtpTimestamp: 0, arrival: Self.ms(0))
        #expect(!r1)
        #expect(!stats.isValid)
        let r2 = stats.record(sequenceNumber: 101, rtpTimestamp: 960, arrival: Self.ms(20))
        #expect(r2)
        #expect(stats.isValid)
        #expect(stats.packetsReceived == 1)
        #expect(stats.expected == 1)
        // A non-sequential packet during probation restarts it.
        var other = ReceiverStatistics(ssrc: 2, clockRate: 48000)
        let r3 = other.record(sequenceNumber: 10, rtpTimestamp: 0, arrival: Self.ms(0))
        #expect(!r3)
        let r4 = other.record(sequenceNumber: 50, rtpTimestamp: 0, arrival: Self.ms(20))
        #expect(!r4)
        let r5 = other.record(sequenceNumber: 51, rtpTimestamp: 0, arrival: Self.ms(40))
        #expect(r5)
        #expect(other.highestExtendedSequence == 51)
    }

    @Test func lossAndFractionLost() {
        var stats = ReceiverStatistics(ssrc: 7, clockRate: 48000, minSequential: 0)
        Self.feed(&stats, [0, 1, 2, 4, 5, 6, 8, 9])
        #expect(stats.expected == 10)
        #expect(stats.packetsReceived == 8)
        #expect(stats.cumulativeLost == 2)
        let first = stats.makeReportBlock(now: Self.ms(200))
        #expect(first.ssrc == 7)
        #expect(first.fractionLost == 51)  // (2 << 8) / 10
        #expect(first.cumulativeLost == 2)
        #expect(first.highestSequence == 9)
        // Next interval: ten in a row, nothing lost.
        Self.feed(&stats, Array(10...19))
        let second = stats.makeReportBlock(now: Self.ms(400))
        #expect(second.fractionLost == 0)
        #expect(second.cumulativeLost == 2)
        #expect(second.highestSequence == 19)
        // Next: 20...29 with half of them lost.
        Self.feed(&stats, [20, 22, 24, 26, 28, 29])
        let third = stats.makeReportBlock(now: Self.ms(600))
        #expect(third.fractionLost == 102)  // (4 << 8) / 10
        #expect(third.cumulativeLost == 6)
    }

    @Test func reorderingIsNotLoss() {
        var stats = ReceiverStatistics(ssrc: 7, clockRate: 48000, minSequential: 0)
        Self.feed(&stats, [0, 1, 3, 2, 4, 6, 5])
        #expect(stats.cumulativeLost == 0)
        #expect(stats.highestExtendedSequence == 6)
        #expect(stats.makeReportBlock(now: Self.ms(200)).fractionLost == 0)
    }

    @Test func duplicatesMakeLossNegative() {
        var stats = ReceiverStatistics(ssrc: 7, clockRate: 48000, minSequential: 0)
        Self.feed(&stats, [0, 1, 2, 2, 3, 3])
        #expect(stats.packetsReceived == 6)
        #expect(stats.expected == 4)
        let block = stats.makeReportBlock(now: Self.ms(100))
        #expect(block.cumulativeLost == -2)
        #expect(block.fractionLost == 0)
    }

    @Test func sequenceWrapCountsCycles() {
        var stats = ReceiverStatistics(ssrc: 7, clockRate: 48000, minSequential: 0)
        Self.feed(&stats, [65530, 65531, 65532, 65533, 65535, 0, 1, 2, 3, 4, 5])
        #expect(stats.highestExtendedSequence == 0x1_0005)
        #expect(stats.expected == 12)
        #expect(stats.cumulativeLost == 1)
        // A late packet from before the wrap does not move the highest sequence.
        stats.record(sequenceNumber: 65534, rtpTimestamp: 0, arrival: Self.ms(300))
        #expect(stats.highestExtendedSequence == 0x1_0005)
        #expect(stats.cumulativeLost == 0)
    }

    @Test func largeJumpResynchronisesOnTwoSequentialPackets() {
        var stats = ReceiverStatistics(ssrc: 7, clockRate: 48000, minSequential: 0)
        Self.feed(&stats, [10, 11, 12])
        let r6 = stats.record(sequenceNumber: 40000, rtpTimestamp: 0, arrival: Self.ms(100))
        #expect(!r6)
        #expect(stats.highestExtendedSequence == 12)
        let r7 = stats.record(sequenceNumber: 40001, rtpTimestamp: 0, arrival: Self.ms(120))
        #expect(r7)
        #expect(stats.highestExtendedSequence == 40001)
        #expect(stats.packetsReceived == 1)
        #expect(stats.expected == 1)
    }

    /// Hand-computed with RFC 3550 A.8 at 8 kHz: packets every 20 ms (160 ticks), the third 5 ms late.
    /// Transit: 0, 0, 40, 0, 0 ticks; D: 0, 40, 40, 0;
    /// J: 0, 2.5, 2.5 + 37.5/16 = 4.84375, 4.84375 − 4.84375/16 = 4.541015625.
    @Test func jitterMatchesHandComputedExample() {
        var stats = ReceiverStatistics(ssrc: 7, clockRate: 8000, minSequential: 0)
        let arrivals: [Int64] = [0, 20, 45, 60, 80]
        for (i, at) in arrivals.enumerated() {
            stats.record(sequenceNumber: UInt16(i), rtpTimestamp: UInt32(i * 160), arrival: Self.ms(1000 + at))
        }
        #expect(stats.jitterEstimate == 4.541015625)
        #expect(stats.jitter == 4)
        #expect(stats.makeReportBlock(now: Self.ms(2000)).jitter == 4)
    }

    @Test func jitterSurvivesTimestampWrap() {
        var stats = ReceiverStatistics(ssrc: 7, clockRate: 48000, minSequential: 0)
        for i in 0..<10 {
            stats.record(sequenceNumber: UInt16(i), rtpTimestamp: UInt32.max &- 2000 &+ UInt32(i * 960),
                         arrival: Self.ms(Int64(i) * 20))
        }
        #expect(stats.jitter == 0)
    }

    @Test func lastSenderReportAndDelay() {
        var stats = ReceiverStatistics(ssrc: 7, clockRate: 48000, minSequential: 0)
        Self.feed(&stats, [0, 1])
        #expect(stats.makeReportBlock(now: Self.ms(50)).lastSenderReport == 0)
        let sr = RTCPSenderReport(ssrc: 7, ntpTime: NTPTime(seconds: 0x0000_1234, fraction: 0x5678_0000),
                                  rtpTimestamp: 0, packetCount: 0, octetCount: 0)
        stats.recordSenderReport(sr, arrival: Self.ms(10_000))
        let block = stats.makeReportBlock(now: Self.ms(11_500))
        #expect(block.lastSenderReport == 0x1234_5678)
        #expect(block.delaySinceLastSenderReport == 98_304)  // 1.5 s × 65536
    }
}
