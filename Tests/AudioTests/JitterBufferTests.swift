import Testing
import Wire
@testable import Audio

/// Drives a jitter buffer on a manual time line and records its outputs compactly:
/// "F7" frame 7, "R7" recovered from the next packet, "M7" missing; "@ms" is when it came out.
private struct Harness {
    var buffer: JitterBuffer
    var log: [String] = []

    init(_ configuration: JitterBufferConfiguration = JitterBufferConfiguration()) {
        buffer = JitterBuffer(configuration: configuration)
    }

    static func payload(_ sequence: UInt16) -> [UInt8] { [UInt8(sequence & 0xFF), UInt8(sequence >> 8)] }
    static func timestamp(_ sequence: UInt16) -> UInt32 { 5_000 &+ UInt32(sequence) &* 960 }

    @discardableResult
    mutating func insert(_ sequence: UInt16, at ms: Int64, timestamp: UInt32? = nil, ssrc: UInt32? = nil) -> JitterInsertResult {
        buffer.insert(sequence: sequence, rtpTimestamp: timestamp ?? Self.timestamp(sequence),
                      payload: Self.payload(sequence), arrival: TestSupport.instant(ms: ms), ssrc: ssrc)
    }

    /// Pops everything due at `ms`.
    mutating func pop(at ms: Int64) {
        while let output = buffer.pop(now: TestSupport.instant(ms: ms)) {
            switch output {
            case let .frame(payload, sequence, _):
                #expect(payload == Self.payload(sequence))
                log.append("F\(sequence)@\(ms)")
            case let .recoverFromNext(next, sequence, _):
                #expect(next == Self.payload(sequence &+ 1))
                log.append("R\(sequence)@\(ms)")
            case let .missing(sequence, _):
                log.append("M\(sequence)@\(ms)")
            }
        }
    }

    /// Pops on a 20 ms tick through `range` (inclusive).
    mutating func tick(_ range: ClosedRange<Int64>) {
        for ms in stride(from: range.lowerBound, through: range.upperBound, by: 20) { pop(at: ms) }
    }
}

@Suite struct JitterBufferTests {
    @Test func inOrderPacketsPlayAtTheTargetDelay() {
        var h = Harness()
        #expect(h.buffer.nextDeadline() == nil)
        #expect(h.insert(10, at: 0) == .buffered)
        #expect(h.buffer.nextDeadline() == TestSupport.instant(ms: 60))
        h.pop(at: 59)
        #expect(h.log.isEmpty)
        for i in 1...4 { h.insert(10 + UInt16(i), at: Int64(i) * 20) }
        h.tick(60...140)
        #expect(h.log == ["F10@60", "F11@80", "F12@100", "F13@120", "F14@140"])
        #expect(h.buffer.nextDeadline() == TestSupport.instant(ms: 160))
        // The sender stops: five slots are concealed, then playout pauses.
        h.tick(160...300)
        #expect(Array(h.log.suffix(5)) == ["M15@160", "M16@180", "M17@200", "M18@220", "M19@240"])
        #expect(h.buffer.nextDeadline() == nil)
        #expect(h.buffer.stats.played == 5)
        #expect(h.buffer.stats.concealed == 5)
    }

    @Test func missingSlotsCarryTheExpectedTimestamp() {
        var h = Harness()
        h.insert(0, at: 0)
        h.pop(at: 60)
        #expect(h.buffer.pop(now: TestSupport.instant(ms: 80)) == .missing(sequence: 1, rtpTimestamp: 5_960))
    }

    @Test func reorderedPacketsComeOutInOrder() {
        var h = Harness()
        h.insert(0, at: 0)
        h.insert(2, at: 20)
        h.insert(1, at: 25)
        h.insert(4, at: 60)
        h.insert(3, at: 61)
        h.tick(60...140)
        #expect(h.log == ["F0@60", "F1@80", "F2@100", "F3@120", "F4@140"])
        #expect(h.buffer.stats.late == 0)
        #expect(h.buffer.stats.buffered == 5)
    }

    @Test func reorderingAtTheStartMovesPlayoutBack() {
        var h = Harness()
        h.insert(11, at: 0)
        h.insert(10, at: 5)
        h.tick(40...60)
        #expect(h.log == ["F10@40", "F11@60"])
    }

    @Test func duplicatesAreDroppedAndCounted() {
        var h = Harness()
        h.insert(0, at: 0)
        h.insert(1, at: 20)
        #expect(h.insert(1, at: 21) == .duplicate)
        h.tick(60...80)
        #expect(h.insert(0, at: 81) == .duplicate)
        #expect(h.log == ["F0@60", "F1@80"])
        #expect(h.buffer.stats.duplicates == 2)
        #expect(h.buffer.stats.late == 0)
    }

    @Test func lossWithTheNextPacketPresentUsesFEC() {
        var h = Harness()
        for s: UInt16 in [0, 1, 3, 4] { h.insert(s, at: Int64(s) * 20) }
        h.tick(60...140)
        #expect(h.log == ["F0@60", "F1@80", "R2@100", "F3@120", "F4@140"])
        #expect(h.buffer.stats.recovered == 1)
    }

    @Test func lossWithNothingAfterIsConcealedAndTheLatePacketDropped() {
        var h = Harness()
        h.insert(0, at: 0)
        h.insert(1, at: 20)
        h.tick(60...100)                    // slot 2 is due at 100 and absent
        #expect(h.insert(2, at: 101) == .late)
        h.insert(3, at: 102)
        // Packet 2 was 1 ms late: the delay grows by 1 ms, so slot 3 plays at 121.
        #expect(h.buffer.currentDelay == .milliseconds(61))
        h.pop(at: 120)
        h.pop(at: 121)
        #expect(h.log == ["F0@60", "F1@80", "M2@100", "F3@121"])
        #expect(h.buffer.stats.late == 1)
        #expect(h.buffer.stats.concealed == 1)
    }

    @Test func sequenceNumbersWrap() {
        var h = Harness()
        // Timestamps wrap too: 4294966336 + 960 = 0.
        h.insert(65_534, at: 0, timestamp: 4_294_965_376)
        h.insert(0, at: 30, timestamp: 0)
        h.insert(65_535, at: 35, timestamp: 4_294_966_336)
        h.insert(1, at: 60, timestamp: 960)
        h.tick(60...120)
        #expect(h.log == ["F65534@60", "F65535@80", "F0@100", "F1@120"])
        #expect(h.buffer.stats.resets == 0)
    }

    @Test func aLargeSequenceJumpResets() {
        var h = Harness()
        h.insert(0, at: 0)
        h.insert(1, at: 20)
        h.tick(60...80)
        #expect(h.insert(5_000, at: 90) == .bufferedAfterReset)
        #expect(h.buffer.stats.resets == 1)
        #expect(h.buffer.nextDeadline() == TestSupport.instant(ms: 150))
        h.tick(100...160)
        #expect(h.log == ["F0@60", "F1@80", "F5000@160"])
        // Backwards past what was played, by more than the reset gap: a restarted stream.
        #expect(h.insert(100, at: 170) == .bufferedAfterReset)
        #expect(h.buffer.stats.resets == 2)
    }

    @Test func anSSRCChangeResets() {
        var h = Harness()
        #expect(h.insert(0, at: 0, ssrc: 0xAAAA) == .buffered)
        #expect(h.insert(1, at: 20, ssrc: 0xAAAA) == .buffered)
        #expect(h.insert(7, at: 30, ssrc: 0xBBBB) == .bufferedAfterReset)
        #expect(h.buffer.ssrc == 0xBBBB)
        #expect(h.buffer.count == 1)
        h.tick(80...100)
        #expect(h.log == ["F7@100"])
    }

    @Test func playoutResumesAfterAPauseWithAFreshDelay() {
        var h = Harness()
        h.insert(0, at: 0)
        h.tick(60...200)
        #expect(h.log == ["F0@60", "M1@80", "M2@100", "M3@120", "M4@140", "M5@160"])
        #expect(h.buffer.nextDeadline() == nil)
        // The caller talks again 1 s later; nothing is concealed for the silent gap.
        #expect(h.insert(50, at: 1_000) == .buffered)
        #expect(h.insert(3, at: 1_001) == .late)
        h.tick(1_000...1_080)
        #expect(Array(h.log.suffix(2)) == ["F50@1060", "M51@1080"])
        #expect(h.buffer.stats.skipped == 44)
    }

    @Test func aBurstBeyondCapacityDropsTheOldest() {
        var configuration = JitterBufferConfiguration()
        configuration.maxPackets = 5
        var h = Harness(configuration)
        for s: UInt16 in 0..<8 { h.insert(s, at: 0) }
        #expect(h.buffer.stats.overflowed == 3)
        #expect(h.buffer.count == 5)
        // Slot 3 plays where slot 0 would have: the delay shrinks by the dropped packets.
        h.tick(60...140)
        #expect(h.log == ["F3@60", "F4@80", "F5@100", "F6@120", "F7@140"])
    }

    @Test func aTimestampJumpWaitsInsteadOfConcealing() {
        var h = Harness()
        h.insert(0, at: 0)
        // Discontinuous transmission: the next packet is 400 ms later on the RTP clock.
        h.insert(1, at: 400, timestamp: Harness.timestamp(0) + 400 * 48)
        h.tick(60...460)
        #expect(h.log == ["F0@60", "F1@460"])
    }

    @Test func packetDurationIsLearned() {
        var h = Harness()
        // 40 ms packets: timestamps step by 1920.
        h.insert(0, at: 0, timestamp: 0)
        h.insert(1, at: 40, timestamp: 1920)
        #expect(h.buffer.frameTicks == 1920)
        h.pop(at: 60)
        h.pop(at: 100)
        #expect(h.buffer.nextDeadline() == TestSupport.instant(ms: 140))
        #expect(h.buffer.pop(now: TestSupport.instant(ms: 140)) == .missing(sequence: 2, rtpTimestamp: 3840))
    }

    @Test func aCustomTargetDelay() {
        var configuration = JitterBufferConfiguration()
        configuration.targetDelay = .milliseconds(40)
        var h = Harness(configuration)
        h.insert(0, at: 7)
        #expect(h.buffer.nextDeadline() == TestSupport.instant(ms: 47))
    }

    @Test func latePacketsGrowTheDelayUpToTheLimit() {
        var h = Harness()
        h.insert(0, at: 0)
        h.insert(1, at: 20)
        h.tick(60...100)                                   // slot 2 concealed at 100
        #expect(h.insert(2, at: 135) == .late)             // 35 ms late
        #expect(h.buffer.currentDelay == .milliseconds(95))
        h.insert(3, at: 140)
        h.insert(4, at: 160)
        h.pop(at: 154)
        h.pop(at: 155)
        h.pop(at: 175)
        #expect(h.log == ["F0@60", "F1@80", "M2@100", "F3@155", "F4@175"])
        // A packet 300 ms late adds only up to the 200 ms limit.
        h.tick(195...215)                                  // slots 5 and 6 concealed at 195 and 215
        #expect(h.insert(5, at: 500) == .late)
        #expect(h.buffer.currentDelay == .milliseconds(200))
        #expect(h.buffer.nextDeadline() == TestSupport.instant(ms: 340))
    }

    @Test func fixedDelayWhenNotAdaptive() {
        var configuration = JitterBufferConfiguration()
        configuration.adaptive = false
        var h = Harness(configuration)
        h.insert(0, at: 0)
        h.tick(60...80)
        #expect(h.insert(1, at: 95) == .late)
        #expect(h.buffer.currentDelay == .milliseconds(60))
    }

    @Test func packetDurationIsLearnedFromThePacketJustPlayed() {
        var h = Harness()
        h.insert(0, at: 0, timestamp: 0)
        h.pop(at: 60)
        h.insert(1, at: 61, timestamp: 480)   // 10 ms packets
        #expect(h.buffer.frameTicks == 480)
    }
}
