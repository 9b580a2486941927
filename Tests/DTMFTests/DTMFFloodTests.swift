import Testing
import Wire
@testable import DTMF

/// A sender that floods RFC 4733: payloads packed with hundreds of ended presses, packet after packet, and one
/// press held for minutes. The receiver reads a bounded number of blocks per payload and reports a held press at
/// its segment limit, so its work per packet stays flat; the detector above it passes on at most 20 presses a
/// second (a burst of 20).
@Suite struct DTMFFloodTests {
    /// One block: event, E bit, volume 10, duration.
    static func block(_ event: UInt8, end: Bool, duration: UInt16) -> [UInt8] {
        [event, (end ? 0x80 : 0) | 10, UInt8(duration >> 8), UInt8(duration & 0xFF)]
    }

    @Test func aPayloadPackedWithThreeHundredPressesGivesSixteen() throws {
        var receiver = try DTMFReceiver()
        // 300 ended presses of 40 units each, packed back to back (section 2.5.1.5): each its own timestamp.
        let payload = (0..<300).flatMap { Self.block(UInt8($0 % 10), end: true, duration: 40) }
        let presses = try receiver.handle(payload: payload, rtpTimestamp: 8_000, sequence: 1, marker: true, arrival: .ms(0))
        #expect(presses.count == DTMFReceiver.maxBlocksPerPayload)
        #expect(receiver.statistics.blocksIgnored == 300 - DTMFReceiver.maxBlocksPerPayload)
    }

    @Test func pressesBeyondTwentyASecondAreDropped() throws {
        var detector = try DTMFDetector()
        func digits() -> Int {
            var n = 0
            while detector.pollDigit() != nil { n += 1 }
            return n
        }
        var reported = 0
        // 200 packets 1 ms apart, each one new ended press: a flood no keypad makes.
        for i in 0..<200 {
            try detector.handleTelephoneEvent(payload: Self.block(5, end: true, duration: 40), rtpTimestamp: UInt32(8_000 + i * 400),
                                              sequence: UInt16(i), marker: true, arrival: .ms(Int64(i)))
            reported += digits()
        }
        // The burst of 20, then one more per 50 ms of the 199 ms: 3.
        #expect(reported == 23)
        #expect(detector.pressesDropped == 177)
        // The receiver below reported every one of them, once: the limit is the detector's.
        #expect(detector.receiver.statistics.events == 200)
        // A second later the allowance is full again: a person keying normally loses nothing.
        var later = 0
        for i in 0..<10 {
            try detector.handleTelephoneEvent(payload: Self.block(7, end: true, duration: 800), rtpTimestamp: UInt32(200_000 + i * 1_600),
                                              sequence: UInt16(300 + i), marker: true, arrival: .ms(1_200 + Int64(i) * 200))
            later += digits()
        }
        #expect(later == 10)
    }

    @Test func aPressHeldForMinutesIsReportedAtItsSegmentLimit() throws {
        var receiver = try DTMFReceiver()
        var reported: [DigitEvent] = []
        // Segments of 0xFFFF units (about 8.2 s at 8 kHz), never ended: 64 of them, each sent once.
        var timestamp: UInt32 = 1_000
        for i in 0..<64 {
            reported += try receiver.handle(payload: Self.block(1, end: false, duration: 0xFFFF), rtpTimestamp: timestamp,
                                            sequence: UInt16(i), marker: i == 0, arrival: .ms(Int64(i) * 100))
            timestamp &+= 0xFFFF
        }
        // Each run of 16 segments is one press; the 17th begins the next.
        #expect(reported.count == 3)
        #expect(reported.allSatisfy { $0.digit == "1" })
        #expect(receiver.hasOpenPress)
        #expect(receiver.statistics.endsLost == 3)
    }
}
