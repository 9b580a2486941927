import Testing
import Wire
@testable import DTMF

/// Delivers packets to a receiver, each arriving `latency` after it was sent (or at `arrivals`).
func deliver(_ packets: [TelephoneEventPacket], to receiver: inout DTMFReceiver, latency: Duration = .milliseconds(30)) throws -> [DigitEvent] {
    var out: [DigitEvent] = []
    for packet in packets {
        out += try receiver.handle(payload: packet.payload, rtpTimestamp: packet.rtpTimestamp, sequence: packet.sequence,
                                   marker: packet.marker, arrival: packet.sendTime + latency)
    }
    return out
}

func press(_ digit: Character, ms: Int64, ts: UInt32, seq: UInt16 = 0, at start: Int64 = 0, clockRate: Int = 8000) throws -> [TelephoneEventPacket] {
    try TelephoneEventSender(clockRate: clockRate).packets(
        digit: digit, duration: .milliseconds(ms), rtpTimestamp: ts, firstSequence: seq, start: .ms(start))
}

@Suite struct DTMFReceiverTests {
    @Test func onePressGivesOneDigitAtTheFirstEndPacket() throws {
        var receiver = try DTMFReceiver()
        let packets = try press("5", ms: 200, ts: 1000)
        var reported: [(Int, DigitEvent)] = []
        for (index, packet) in packets.enumerated() {
            for digit in try deliver([packet], to: &receiver) { reported.append((index, digit)) }
        }
        #expect(reported.count == 1)
        #expect(reported.first?.0 == 4)
        #expect(reported.first?.1 == DigitEvent(digit: "5", rtpTimestamp: 1000, start: .ms(30), duration: .milliseconds(200), via: .rfc4733))
        #expect(receiver.nextDeadline() == nil)
        #expect(receiver.statistics.events == 7)
        #expect(receiver.statistics.late == 2)
    }

    @Test func allSixteenDigits() throws {
        var receiver = try DTMFReceiver()
        var packets: [TelephoneEventPacket] = []
        let digits = Array("0123456789*#ABCD")
        for (i, digit) in digits.enumerated() {
            packets += try press(digit, ms: 120, ts: UInt32(i) * 4000, seq: UInt16(i * 10), at: Int64(i) * 500)
        }
        let reported = try deliver(packets, to: &receiver)
        #expect(reported.map(\.digit) == digits)
        #expect(reported.map(\.rtpTimestamp) == (0..<16).map { UInt32($0) * 4000 })
        #expect(reported.allSatisfy { $0.duration == .milliseconds(120) && $0.via == .rfc4733 })
        #expect(reported.map(\.start) == (0..<16).map { Instant.ms(Int64($0) * 500 + 30) })
    }

    @Test func duplicatedPacketsGiveOneDigit() throws {
        var receiver = try DTMFReceiver()
        let packets = try press("7", ms: 300, ts: 42)
        let reported = try deliver(packets.flatMap { [$0, $0] }, to: &receiver)
        #expect(reported.map(\.digit) == ["7"])
        #expect(reported.first?.duration == .milliseconds(300))
        #expect(receiver.statistics.duplicates == 6)  // the 6 updates are repeated before the end
    }

    @Test func endBeforeStartGivesOneDigitWithTheFullDuration() throws {
        var receiver = try DTMFReceiver()
        let packets = try press("9", ms: 200, ts: 7777)
        let reported = try deliver(packets.reversed(), to: &receiver)
        // Only the last end repeat (sent 40 ms after the release) has been seen: start is estimated from it.
        #expect(reported == [DigitEvent(digit: "9", rtpTimestamp: 7777, start: .ms(70), duration: .milliseconds(200), via: .rfc4733)])
        #expect(receiver.statistics.late == 6)
        #expect(receiver.nextDeadline() == nil)
    }

    @Test func shuffledPacketsGiveOneDigit() throws {
        var receiver = try DTMFReceiver()
        let packets = try press("B", ms: 400, ts: 99)
        // A fixed permutation: the start arrives after an update and after the first end packet.
        let order = [2, 1, 8, 3, 0, 5, 4, 10, 6, 9, 7]
        #expect(order.sorted() == Array(packets.indices))
        let reported = try deliver(order.map { packets[$0] }, to: &receiver)
        #expect(reported.map(\.digit) == ["B"])
        #expect(reported.first?.duration == .milliseconds(400))
    }

    @Test func lostStartOnlyUpdates() throws {
        var receiver = try DTMFReceiver()
        let packets = try press("3", ms: 250, ts: 5000)
        let reported = try deliver(Array(packets.dropFirst(2)), to: &receiver)
        // The first packet seen says 800 units (100 ms) so far and arrived at 130 ms.
        #expect(reported == [DigitEvent(digit: "3", rtpTimestamp: 5000, start: .ms(30), duration: .milliseconds(250), via: .rfc4733)])
    }

    @Test func lostEndPacketsReportAfterTheTimeout() throws {
        var receiver = try DTMFReceiver()
        let packets = try press("8", ms: 200, ts: 100)
        #expect(try deliver(packets.filter { !$0.event.isEnd }, to: &receiver).isEmpty)
        // Last update sent at 150 ms, arrived at 180 ms: deadline 430 ms.
        #expect(receiver.nextDeadline() == .ms(430))
        #expect(receiver.handleTimeout(now: Instant(nanoseconds: 429_999_999)).isEmpty)
        let reported = receiver.handleTimeout(now: .ms(430))
        #expect(reported == [DigitEvent(digit: "8", rtpTimestamp: 100, start: .ms(30), duration: .milliseconds(150), via: .rfc4733)])
        #expect(receiver.nextDeadline() == nil)
        #expect(receiver.statistics.endsLost == 1)
        // The end packets arriving late change nothing.
        #expect(try deliver(packets.filter(\.event.isEnd), to: &receiver, latency: .milliseconds(400)).isEmpty)
    }

    @Test func lostEndsAreReportedWhenTheNextPressBegins() throws {
        var receiver = try DTMFReceiver()
        let first = try press("1", ms: 100, ts: 0).filter { !$0.event.isEnd }
        let second = try press("2", ms: 100, ts: 1600, seq: 10, at: 200)
        var reported = try deliver(first, to: &receiver)
        #expect(reported.isEmpty)
        reported = try deliver([second[0]], to: &receiver)
        #expect(reported.map(\.digit) == ["1"])
        #expect(reported.first?.duration == .milliseconds(50))
        reported = try deliver(Array(second.dropFirst()), to: &receiver)
        #expect(reported.map(\.digit) == ["2"])
    }

    @Test func olderPressArrivingAfterANewerOneKeepsOrder() throws {
        var receiver = try DTMFReceiver()
        let first = try press("4", ms: 100, ts: 0)
        let second = try press("6", ms: 100, ts: 1600, seq: 10, at: 200)
        var reported = try deliver([second[0]], to: &receiver, latency: .zero)
        reported += try deliver([first[2]], to: &receiver, latency: .zero)  // first's end, late
        reported += try deliver(Array(second.dropFirst()), to: &receiver, latency: .zero)
        #expect(reported.map(\.digit) == ["4", "6"])
        // First's other packets are now stale.
        #expect(try deliver(first, to: &receiver).isEmpty)
    }

    @Test func sameKeyPressedTwiceIsTwoDigits() throws {
        var receiver = try DTMFReceiver()
        let packets = try press("0", ms: 100, ts: 0) + press("0", ms: 100, ts: 2400, seq: 10, at: 300)
        let reported = try deliver(packets, to: &receiver)
        #expect(reported.map(\.digit) == ["0", "0"])
        #expect(reported.map(\.rtpTimestamp) == [0, 2400])
    }

    @Test func longPressOverSeveralSegmentsIsOneDigit() throws {
        var receiver = try DTMFReceiver()
        let packets = try press("#", ms: 20_000, ts: 1_000_000)
        #expect(Set(packets.map(\.rtpTimestamp)).count == 3)
        let reported = try deliver(packets, to: &receiver)
        #expect(reported == [DigitEvent(digit: "#", rtpTimestamp: 1_000_000, start: .ms(30), duration: .seconds(20), via: .rfc4733)])
    }

    @Test func longPressWithLossAroundTheSegmentBoundaryIsOneDigit() throws {
        var receiver = try DTMFReceiver()
        let packets = try press("C", ms: 12_000, ts: 3)
        // Lose the segment-closing 0xFFFF packet and the two packets either side of it.
        guard let boundary = packets.firstIndex(where: { $0.event.duration == UInt16.max }) else {
            Issue.record("no segment boundary")
            return
        }
        var lossy = packets
        lossy.removeSubrange((boundary - 2)...(boundary + 2))
        let reported = try deliver(lossy, to: &receiver)
        #expect(reported == [DigitEvent(digit: "C", rtpTimestamp: 3, start: .ms(30), duration: .seconds(12), via: .rfc4733)])
    }

    @Test func longPressWithLostEndsTimesOut() throws {
        var receiver = try DTMFReceiver()
        let packets = try press("*", ms: 9000, ts: 10).filter { !$0.event.isEnd }
        #expect(try deliver(packets, to: &receiver).isEmpty)
        guard let deadline = receiver.nextDeadline() else {
            Issue.record("no deadline")
            return
        }
        #expect(deadline == .ms(8950 + 30 + 250))
        let reported = receiver.handleTimeout(now: deadline)
        #expect(reported.map(\.digit) == ["*"])
        #expect(reported.first?.duration == .milliseconds(8950))
    }

    @Test func timestampsWrapAt2To32() throws {
        var receiver = try DTMFReceiver()
        let first = try press("1", ms: 200, ts: UInt32.max - 799)
        let second = try press("2", ms: 200, ts: 1600, seq: 20, at: 400)  // 2400 units later, past the wrap
        let long = try press("3", ms: 9000, ts: UInt32.max - 30_000, seq: 40, at: 1000)
        var reported = try deliver(first + second, to: &receiver)
        #expect(reported.map(\.digit) == ["1", "2"])
        // A late copy of the first press (timestamp before the wrap) is stale, not a new digit.
        #expect(try deliver([first[1]], to: &receiver).isEmpty)
        // A fresh receiver: a long press whose second segment starts after the wrap.
        receiver = try DTMFReceiver()
        reported = try deliver(long, to: &receiver)
        #expect(reported == [DigitEvent(digit: "3", rtpTimestamp: UInt32.max - 30_000, start: .ms(1030), duration: .seconds(9), via: .rfc4733)])
    }

    /// Serial-number order sees half the circle ahead: once reported presses have gone all the way round,
    /// a timestamp used long before starts a new press (after 3.1 days of a real 8 kHz stream; found by the
    /// fuzzer, whose timestamps leap), however few presses came between. Within half the circle the same
    /// timestamp is always stale.
    @Test func aTimestampComesRoundAgainOnlyAfterTheFullCircle() throws {
        var receiver = try DTMFReceiver()
        let start: UInt32 = 1_040_647_376
        var reported = try deliver(try press("7", ms: 100, ts: start), to: &receiver)
        // Three presses, each 1.4e9 units after the one before: the last one is past the wrap.
        for (i, step) in [UInt32(1_400_000_000), 2_800_000_000, 4_200_000_000].enumerated() {
            reported += try deliver(try press("1", ms: 100, ts: start &+ step, seq: UInt16(10 * (i + 1)), at: Int64(1000 * (i + 1))),
                                    to: &receiver)
        }
        #expect(reported.map(\.digit) == ["7", "1", "1", "1"])
        // A late copy of the newest press is stale.
        #expect(try deliver([try press("1", ms: 100, ts: start &+ 4_200_000_000, seq: 40, at: 4000)[0]], to: &receiver).isEmpty)
        // 4.2e9 is only 95 million units short of the full circle: the first timestamp is "ahead" again.
        let again = try deliver(try press("7", ms: 100, ts: start, seq: 50, at: 5000), to: &receiver)
        #expect(again.map(\.rtpTimestamp) == [start])
    }

    /// Exactly half-way round the circle is neither ahead nor behind: a press there does not free the
    /// first press's timestamp, so a late copy of it stays stale (found by the fuzzer).
    @Test func halfTheCircleAwayATimestampStaysStale() throws {
        var receiver = try DTMFReceiver()
        var reported = try deliver(try press("5", ms: 100, ts: 8000), to: &receiver)
        reported += try deliver(try press("6", ms: 100, ts: 73_536, seq: 10, at: 1000), to: &receiver)
        reported += try deliver(try press("7", ms: 100, ts: 8000 &+ 0x8000_0000, seq: 20, at: 2000), to: &receiver)
        #expect(reported.map(\.digit) == ["5", "6", "7"])
        #expect(try deliver(try press("5", ms: 100, ts: 8000, seq: 30, at: 3000), to: &receiver).isEmpty)
    }

    /// Half the circle is measured from the newest reported timestamp, which for a long press is its last
    /// segment: a press 2³¹ after such a press's first timestamp is 2³¹ − 0xFFFF after its last segment, so
    /// it is ahead and new. Two more presses then complete the circle, and the first timestamp is a new
    /// press again (the fuzzer's harness had this order wrong, not the receiver).
    @Test func halfTheCircleAfterALongPressIsMeasuredFromItsLastSegment() throws {
        var receiver = try DTMFReceiver()
        var reported = try deliver(try press("5", ms: 9000, ts: 8000), to: &receiver)
        reported += try deliver(try press("7", ms: 100, ts: 8000 &+ 0x8000_0000, seq: 100, at: 10_000), to: &receiver)
        reported += try deliver(try press("1", ms: 100, ts: 0, seq: 110, at: 11_000), to: &receiver)
        reported += try deliver(try press("5", ms: 100, ts: 8000, seq: 120, at: 12_000), to: &receiver)
        #expect(reported.map(\.digit) == ["5", "7", "1", "5"])
        #expect(reported.map(\.rtpTimestamp) == [8000, 8000 &+ 0x8000_0000, 0, 8000])
    }

    /// A press whose end is lost stays open when a press exactly half the circle later arrives (serial order
    /// cannot say which came first), so it is reported after that one, at its timeout. A key at the same
    /// timestamp once the stream has moved on past it is a new press (the fuzzer's harness had counted the
    /// late report as the later of the two, and this last press as a repeat).
    @Test func aPressLeftOpenAtHalfTheCircleIsReportedAtItsTimeout() throws {
        var receiver = try DTMFReceiver(endTimeout: .milliseconds(50))
        let unended = try press("5", ms: 100, ts: 8000).filter { !$0.event.isEnd }
        var reported = try deliver(unended, to: &receiver)
        reported += try deliver(try press("5", ms: 100, ts: 8000 &+ 0x8000_0000, seq: 100, at: 1000), to: &receiver)
        #expect(reported.map(\.rtpTimestamp) == [8000 &+ 0x8000_0000])
        reported += receiver.handleTimeout(now: .ms(2000))
        reported += try deliver(try press("5", ms: 100, ts: 3904, seq: 110, at: 3000), to: &receiver)
        reported += try deliver(try press("9", ms: 100, ts: 8000, seq: 120, at: 4000), to: &receiver)
        #expect(reported.map(\.digit) == ["5", "5", "5", "9"])
        #expect(reported.map(\.rtpTimestamp) == [8000 &+ 0x8000_0000, 8000, 3904, 8000])
    }

    /// What frees a reported timestamp is the reported presses going half-way round the circle, not a repeat:
    /// a copy of the first press arrives while a later press is open, 1.6e9 units "ahead" of it, and is ignored
    /// as the repeat it is. The presses then reported go from 1.68e9 through 2.69e9 to 0.14e9, more than half the
    /// circle, so 1.68e9 is new again (the fuzzer's harness had unwrapped the ignored repeat as a lap and
    /// counted this last press as reported twice).
    @Test func aRepeatIgnoredDoesNotMoveTheCircle() throws {
        var receiver = try DTMFReceiver(endTimeout: .milliseconds(50))
        var reported = try deliver(try press("5", ms: 100, ts: 8000), to: &receiver)
        reported += try deliver(try press("4", ms: 100, ts: 788_529_183, seq: 10, at: 1000), to: &receiver)
        let unended = try press("5", ms: 100, ts: 2_689_597_504, seq: 20, at: 2000).filter { !$0.event.isEnd }
        reported += try deliver(unended, to: &receiver)
        #expect(try deliver(try press("5", ms: 100, ts: 8000, seq: 30, at: 3000), to: &receiver).isEmpty)
        // Earlier than the open press, so over at once.
        reported += try deliver(try press("4", ms: 100, ts: 1_677_721_631, seq: 40, at: 4000), to: &receiver)
        reported += receiver.handleTimeout(now: .ms(6000))
        reported += try deliver(try press("1", ms: 100, ts: 138_430_985, seq: 50, at: 7000), to: &receiver)
        reported += try deliver(try press("4", ms: 100, ts: 1_677_721_631, seq: 60, at: 8000), to: &receiver)
        #expect(reported.map(\.digit) == ["5", "4", "4", "5", "1", "4"])
        #expect(reported.map(\.rtpTimestamp) == [8000, 788_529_183, 1_677_721_631, 2_689_597_504, 138_430_985, 1_677_721_631])
    }

    @Test func unknownEventsAreIgnoredAndCounted() throws {
        var receiver = try DTMFReceiver()
        let flash = TelephoneEvent(event: 16, isEnd: true, volume: 10, duration: 800)
        let reported = try receiver.handle(payload: try flash.serialized(), rtpTimestamp: 0, sequence: 0, marker: true, arrival: .ms(0))
        #expect(reported.isEmpty)
        #expect(receiver.statistics.unknownEvents == 1)
        #expect(receiver.nextDeadline() == nil)
    }

    @Test func clockRate48000() throws {
        var receiver = try DTMFReceiver(clockRate: 48_000)
        let reported = try deliver(try press("D", ms: 160, ts: 77, clockRate: 48_000), to: &receiver)
        #expect(reported == [DigitEvent(digit: "D", rtpTimestamp: 77, start: .ms(30), duration: .milliseconds(160), via: .rfc4733)])
    }

    @Test func packedEventsInOnePacket() throws {
        var receiver = try DTMFReceiver()
        // '1' lasting 800 units, then '2' (ended) starting right after it.
        let payload: [UInt8] = [0x01, 0x8a, 0x03, 0x20, 0x02, 0x8a, 0x01, 0x90]
        let reported = try receiver.handle(payload: payload, rtpTimestamp: 8000, sequence: 1, marker: false, arrival: .ms(500))
        #expect(reported.map(\.digit) == ["1", "2"])
        #expect(reported.map(\.rtpTimestamp) == [8000, 8800])
    }

    @Test func malformedPayloadThrowsAndChangesNothing() throws {
        var receiver = try DTMFReceiver()
        #expect(throws: DTMFError.truncated(field: "duration", offset: 2, needed: 2, available: 0)) {
            try receiver.handle(payload: [0x01, 0x0a], rtpTimestamp: 0, sequence: 0, marker: true, arrival: .ms(0))
        }
        #expect(receiver.nextDeadline() == nil)
        #expect(throws: DTMFError.invalidClockRate(-1)) { try DTMFReceiver(clockRate: -1) }
    }
}
