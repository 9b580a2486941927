import Testing
import Wire
@testable import DTMF

@Suite struct TelephoneEventSenderTests {
    @Test func shortPressPacketSequence() throws {
        let sender = try TelephoneEventSender()
        let packets = try sender.packets(digit: "5", duration: .milliseconds(200), rtpTimestamp: 1000, firstSequence: 10, start: .ms(0))
        #expect(packets.map(\.sequence) == [10, 11, 12, 13, 14, 15, 16])
        #expect(packets.map(\.rtpTimestamp) == Array(repeating: 1000, count: 7))
        #expect(packets.map(\.marker) == [true, false, false, false, false, false, false])
        #expect(packets.map(\.event.duration) == [0, 400, 800, 1200, 1600, 1600, 1600])
        #expect(packets.map(\.event.isEnd) == [false, false, false, false, true, true, true])
        #expect(packets.map(\.sendTime) == [0, 50, 100, 150, 200, 220, 240].map { Instant.ms($0) })
        #expect(packets[0].payload == [0x05, 0x0a, 0x00, 0x00])
        #expect(packets[4].payload == [0x05, 0x8a, 0x06, 0x40])
        for packet in packets { #expect(try TelephoneEvent(parsing: packet.payload) == packet.event) }
    }

    @Test func clockRate48000CountsIn48kUnits() throws {
        let sender = try TelephoneEventSender(clockRate: 48_000)
        let packets = try sender.packets(digit: "#", duration: .milliseconds(100), rtpTimestamp: 0, firstSequence: 0, start: .ms(0))
        #expect(packets.map(\.event.duration) == [0, 2400, 4800, 4800, 4800])
        #expect(packets.allSatisfy { $0.event.event == 11 })
    }

    @Test func longPressIsSplitIntoSegments() throws {
        let sender = try TelephoneEventSender()
        // 10 s at 8 kHz = 80000 units: one full segment of 65535 and one of 14465.
        let packets = try sender.packets(digit: "0", duration: .seconds(10), rtpTimestamp: 500, firstSequence: 65_530, start: .ms(0))
        let first = packets.filter { $0.rtpTimestamp == 500 }
        let second = packets.filter { $0.rtpTimestamp == 500 + 65_535 }
        #expect(first.count + second.count == packets.count)
        #expect(first.last?.event.duration == 65_535)
        #expect(first.allSatisfy { !$0.event.isEnd })
        #expect(second.first?.event.duration == 65)  // 8.2 s = 65600 units, 65 into the second segment
        #expect(second.suffix(3).map(\.event.duration) == [14_465, 14_465, 14_465])
        #expect(second.suffix(3).allSatisfy { $0.event.isEnd })
        #expect(packets.filter(\.marker).count == 1)
        #expect(packets.last?.sequence == UInt16(truncatingIfNeeded: 65_530 + packets.count - 1))
    }

    @Test func timestampsWrap() throws {
        let sender = try TelephoneEventSender()
        let packets = try sender.packets(digit: "0", duration: .seconds(9), rtpTimestamp: UInt32.max - 10, firstSequence: 0, start: .ms(0))
        #expect(Set(packets.map(\.rtpTimestamp)) == [UInt32.max - 10, 65_524])
    }

    @Test func invalidSettingsAreRejected() {
        #expect(throws: DTMFError.notADigit("x")) {
            try TelephoneEventSender().packets(digit: "x", duration: .milliseconds(100), rtpTimestamp: 0, firstSequence: 0, start: .ms(0))
        }
        #expect(throws: DTMFError.invalidClockRate(0)) { try TelephoneEventSender(clockRate: 0) }
        #expect(throws: DTMFError.valueOutOfRange(field: "volume", value: 70, max: 63)) { try TelephoneEventSender(volume: 70) }
        #expect(throws: DTMFError.invalidSetting(name: "endRepeats", value: "0", expected: "at least 1")) {
            try TelephoneEventSender(endRepeats: 0)
        }
        #expect(DTMFError.notADigit("x").description == "'x' is not a DTMF digit: expected one of 0-9, *, #, A-D")
        #expect(DTMFError.invalidClockRate(0).description
            == "telephone-event clock rate 0 Hz is invalid: expected a positive rate such as 8000 or 48000")
    }
}
