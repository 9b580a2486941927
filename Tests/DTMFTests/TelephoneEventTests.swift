import Foundation
import Testing
import Wire
@testable import DTMF

struct FixtureLine {
    var bytes: [UInt8]
    var event: UInt8
    var isEnd: Bool
    var reserved: Bool
    var volume: UInt8
    var duration: UInt16
    var digit: Character?
}

func loadTelephoneEventFixtures() throws -> [FixtureLine] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/telephone-events.txt")
    let text = try String(contentsOf: url, encoding: .utf8)
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
        let cols = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard cols.count == 7 else { return nil }
        let bytes = cols[0].split(separator: " ").compactMap { UInt8($0, radix: 16) }
        guard let event = UInt8(cols[1]), let volume = UInt8(cols[4]), let duration = UInt16(cols[5]) else { return nil }
        return FixtureLine(bytes: bytes, event: event, isEnd: cols[2] == "1", reserved: cols[3] == "1",
                           volume: volume, duration: duration, digit: cols[6] == "-" ? nil : cols[6].first)
    }
}

@Suite struct TelephoneEventTests {
    @Test func fixturesParseAndRoundTripByteExact() throws {
        let lines = try loadTelephoneEventFixtures()
        #expect(lines.count == 12)
        for line in lines {
            let event = try TelephoneEvent(parsing: line.bytes)
            #expect(event.event == line.event)
            #expect(event.isEnd == line.isEnd)
            #expect(event.reserved == line.reserved)
            #expect(event.volume == line.volume)
            #expect(event.duration == line.duration)
            #expect(event.digit == line.digit)
            #expect(try event.serialized() == line.bytes)
            #expect(try TelephoneEvent.parseAll(line.bytes) == [event])
        }
    }

    @Test func allSixteenDigitsMapBothWays() throws {
        let expected: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"]
        for (code, digit) in expected.enumerated() {
            #expect(TelephoneEvent.digit(forEvent: UInt8(code)) == digit)
            #expect(TelephoneEvent.event(forDigit: digit) == UInt8(code))
        }
        #expect(TelephoneEvent.event(forDigit: "a") == 12)
        #expect(TelephoneEvent.event(forDigit: "d") == 15)
        #expect(TelephoneEvent.event(forDigit: "E") == nil)
        #expect(TelephoneEvent.event(forDigit: "ß") == nil)  // upper-cases to two characters
        #expect(DTMFTones.frequencies(of: "ß") == nil)
        #expect(DTMFTones.frequencies(of: "d")?.row == 941)
        #expect(TelephoneEvent.digit(forEvent: 16) == nil)
        #expect(TelephoneEvent.digit(forEvent: 255) == nil)
    }

    @Test func unknownEventIsNotAnError() throws {
        let event = try TelephoneEvent(parsing: [0x20, 0x0a, 0x00, 0xa0])
        #expect(event.event == 32)
        #expect(event.digit == nil)
        #expect(event.duration == 160)
    }

    @Test func truncatedPayloadsGivePreciseErrors() {
        #expect(throws: DTMFError.truncated(field: "event", offset: 0, needed: 1, available: 0)) {
            try TelephoneEvent.parseAll([])
        }
        #expect(throws: DTMFError.truncated(field: "E/R/volume", offset: 1, needed: 1, available: 0)) {
            try TelephoneEvent.parseAll([0x01])
        }
        #expect(throws: DTMFError.truncated(field: "duration", offset: 2, needed: 2, available: 1)) {
            try TelephoneEvent.parseAll([0x01, 0x0a, 0x01])
        }
        let error = DTMFError.truncated(field: "duration", offset: 2, needed: 2, available: 1)
        #expect(error.description == "telephone-event payload truncated in duration at offset 2: needed 2 bytes, 1 available")
    }

    @Test func trailingBytesAreAnError() {
        #expect(throws: DTMFError.trailingBytes(offset: 4, count: 2)) {
            try TelephoneEvent.parseAll([0x01, 0x0a, 0x01, 0x90, 0x00, 0x00])
        }
        #expect(DTMFError.trailingBytes(offset: 4, count: 2).description
            == "telephone-event payload has 2 trailing bytes at offset 4: expected a multiple of 4 bytes")
    }

    @Test func packedEventsParseInOrder() throws {
        let payload: [UInt8] = [0x01, 0x8a, 0x03, 0x20, 0x02, 0x0a, 0x01, 0x90]
        let events = try TelephoneEvent.parseAll(payload)
        #expect(events.map(\.digit) == ["1", "2"])
        #expect(events.map(\.isEnd) == [true, false])
        #expect(try events.flatMap { try $0.serialized() } == payload)
    }

    @Test func volumeAboveSixBitsCannotBeSerialized() {
        let event = TelephoneEvent(event: 1, volume: 64)
        #expect(throws: DTMFError.valueOutOfRange(field: "volume", value: 64, max: 63)) { try event.serialized() }
        #expect(DTMFError.valueOutOfRange(field: "volume", value: 64, max: 63).description
            == "telephone-event volume value 64 out of range (max 63)")
    }

    @Test func everyByteValueRoundTrips() throws {
        for first in [UInt8(0), 7, 15, 16, 200, 255] {
            for flags in UInt8(0)...255 {
                let bytes: [UInt8] = [first, flags, flags &* 3, 255 &- flags]
                #expect(try TelephoneEvent(parsing: bytes).serialized() == bytes)
            }
        }
    }
}
