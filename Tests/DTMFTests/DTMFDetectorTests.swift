import Testing
import Wire
@testable import DTMF

func inbandEvent(_ digit: Character, start: Int64, ms: Int64 = 100) -> DigitEvent {
    DigitEvent(digit: digit, rtpTimestamp: nil, start: .ms(start), duration: .milliseconds(ms), via: .inband)
}

func rtpEvent(_ digit: Character, start: Int64, ts: UInt32 = 0, ms: Int64 = 100) -> DigitEvent {
    DigitEvent(digit: digit, rtpTimestamp: ts, start: .ms(start), duration: .milliseconds(ms), via: .rfc4733)
}

@Suite struct DigitDeduplicatorTests {
    @Test func bothWaysWithinTheWindowIsOneDigit() throws {
        var dedup = try DigitDeduplicator()
        #expect(dedup.admit(rtpEvent("5", start: 1000)) == rtpEvent("5", start: 1000))
        #expect(dedup.admit(inbandEvent("5", start: 1100)) == nil)
        #expect(dedup.admit(inbandEvent("6", start: 2000)) == inbandEvent("6", start: 2000))
        #expect(dedup.admit(rtpEvent("6", start: 1900)) == nil)
        #expect(dedup.suppressed == 2)
    }

    @Test func outsideTheWindowOrAnotherDigitIsNew() throws {
        var dedup = try DigitDeduplicator()
        #expect(dedup.admit(rtpEvent("1", start: 1000)) != nil)
        #expect(dedup.admit(inbandEvent("1", start: 1101)) != nil)
        #expect(dedup.admit(inbandEvent("2", start: 1000)) != nil)
    }

    @Test func eachReportAbsorbsOneCopyOnly() throws {
        var dedup = try DigitDeduplicator()
        #expect(dedup.admit(rtpEvent("1", start: 1000)) != nil)
        #expect(dedup.admit(inbandEvent("1", start: 1020)) == nil)
        #expect(dedup.admit(inbandEvent("1", start: 1090)) != nil)
        // Two presses from the same source are never merged.
        #expect(dedup.admit(rtpEvent("9", start: 3000, ts: 1)) != nil)
        #expect(dedup.admit(rtpEvent("9", start: 3000, ts: 2)) != nil)
    }

    @Test func negativeWindowIsRejected() {
        #expect(throws: DTMFError.invalidSetting(name: "duplicateWindow", value: "-0.001 seconds", expected: "zero or a positive duration")) {
            try DigitDeduplicator(window: .milliseconds(-1))
        }
    }
}

/// A call's caller side: telephone-event packets and 20 ms frames of 48 kHz audio, fed in time order.
struct CallFeed {
    enum Item {
        case packet(TelephoneEventPacket, arrival: Instant)
        case audio([Int16], at: Instant)
    }

    var items: [Item] = []

    mutating func press(_ digit: Character, at startMs: Int64, ms: Int64, ts: UInt32, seq: UInt16, rtp: Bool = true, latencyMs: Int64 = 30) throws {
        guard rtp else { return }
        for packet in try TelephoneEventSender().packets(digit: digit, duration: .milliseconds(ms), rtpTimestamp: ts, firstSequence: seq, start: .ms(startMs)) {
            items.append(.packet(packet, arrival: packet.sendTime + .milliseconds(latencyMs)))
        }
    }

    /// Audio from 0 to `totalMs` holding each (digit, start, duration) tone, delayed by `delayMs`.
    mutating func audio(tones: [(Character, Int64, Int64)], totalMs: Int64, delayMs: Int64 = 60) {
        let rate = 48000
        var pcm = [Int16](repeating: 0, count: Int(totalMs) * rate / 1000)
        for (digit, start, ms) in tones {
            let tone = TestSignals.dtmf(digit, seconds: Double(ms) / 1000, rate: rate)
            let offset = Int(start) * rate / 1000
            for (i, sample) in tone.enumerated() where offset + i < pcm.count { pcm[offset + i] = sample }
        }
        for frame in stride(from: 0, to: pcm.count, by: 960) {
            let at = Instant.ms(Int64(frame / 48) + delayMs)
            items.append(.audio(Array(pcm[frame..<min(frame + 960, pcm.count)]), at: at))
        }
    }

    func run(_ detector: inout DTMFDetector, until endMs: Int64) throws -> [DigitEvent] {
        func time(_ item: Item) -> Instant {
            switch item {
            case let .packet(_, arrival): return arrival
            case let .audio(_, at): return at
            }
        }
        var out: [DigitEvent] = []
        for item in items.sorted(by: { time($0) < time($1) }) {
            if let deadline = detector.nextDeadline(), deadline <= time(item) { detector.handleTimeout(now: deadline) }
            switch item {
            case let .packet(packet, arrival):
                try detector.handleTelephoneEvent(payload: packet.payload, rtpTimestamp: packet.rtpTimestamp,
                                                  sequence: packet.sequence, marker: packet.marker, arrival: arrival)
            case let .audio(pcm, at):
                try detector.handleAudio(pcm: pcm, sampleRate: 48000, at: at)
            }
            while let digit = detector.pollDigit() { out.append(digit) }
        }
        while let deadline = detector.nextDeadline(), deadline <= .ms(endMs) {
            detector.handleTimeout(now: deadline)
        }
        detector.flushAudio()
        while let digit = detector.pollDigit() { out.append(digit) }
        return out
    }
}

@Suite struct DTMFDetectorTests {
    let presses: [(Character, Int64, Int64)] = [("1", 500, 120), ("2", 900, 100), ("1", 1300, 160), ("1", 1700, 80), ("#", 2100, 200)]

    @Test func bothWaysGivesEachPressOnce() throws {
        var feed = CallFeed()
        for (i, (digit, start, ms)) in presses.enumerated() {
            try feed.press(digit, at: start, ms: ms, ts: UInt32(start * 8), seq: UInt16(i * 10))
        }
        feed.audio(tones: presses, totalMs: 2600)
        var detector = try DTMFDetector()
        let digits = try feed.run(&detector, until: 3000)
        #expect(digits.map(\.digit) == ["1", "2", "1", "1", "#"])
        #expect(detector.deduplicator.suppressed == 5)
    }

    @Test func inbandFirstThenTelephoneEventsIsStillOnce() throws {
        var feed = CallFeed()
        for (i, (digit, start, ms)) in presses.enumerated() {
            try feed.press(digit, at: start, ms: ms, ts: UInt32(start * 8), seq: UInt16(i * 10), latencyMs: 90)
        }
        feed.audio(tones: presses, totalMs: 2600, delayMs: 0)
        var detector = try DTMFDetector()
        let digits = try feed.run(&detector, until: 3000)
        #expect(digits.map(\.digit) == ["1", "2", "1", "1", "#"])
        #expect(digits.allSatisfy { $0.via == .inband })
        #expect(detector.deduplicator.suppressed == 5)
    }

    @Test func inbandOnlyWhenNoTelephoneEvents() throws {
        var feed = CallFeed()
        feed.audio(tones: presses, totalMs: 2600)
        var detector = try DTMFDetector()
        let digits = try feed.run(&detector, until: 3000)
        #expect(digits.map(\.digit) == ["1", "2", "1", "1", "#"])
        #expect(digits.allSatisfy { $0.via == .inband })
        #expect(within(digits[0].start - .ms(0), .milliseconds(560)))
    }

    @Test func telephoneEventsOnlyWithLostEnds() throws {
        var feed = CallFeed()
        try feed.press("4", at: 100, ms: 200, ts: 800, seq: 1)
        feed.items.removeAll {
            if case let .packet(packet, _) = $0 { return packet.event.isEnd }
            return false
        }
        var detector = try DTMFDetector()
        try detector.handleAudio(pcm: TestSignals.silence(seconds: 0.02, rate: 48000), sampleRate: 48000, at: .ms(0))
        for item in feed.items {
            if case let .packet(packet, arrival) = item {
                try detector.handleTelephoneEvent(payload: packet.payload, rtpTimestamp: packet.rtpTimestamp,
                                                  sequence: packet.sequence, marker: packet.marker, arrival: arrival)
            }
        }
        #expect(detector.pollDigit() == nil)
        // Last update sent at 250 ms, arrived at 280 ms.
        #expect(detector.nextDeadline() == .ms(530))
        detector.handleTimeout(now: .ms(529))
        #expect(detector.pollDigit() == nil)
        detector.handleTimeout(now: .ms(530))
        #expect(detector.pollDigit() == DigitEvent(digit: "4", rtpTimestamp: 800, start: .ms(130), duration: .milliseconds(150), via: .rfc4733))
        #expect(detector.pollDigit() == nil)
        #expect(detector.nextDeadline() == nil)
    }

    @Test func inbandCanBeSwitchedOff() throws {
        var configuration = DTMFDetector.Configuration()
        configuration.inbandEnabled = false
        var feed = CallFeed()
        feed.audio(tones: presses, totalMs: 2600)
        var detector = try DTMFDetector(configuration: configuration)
        #expect(try feed.run(&detector, until: 3000).isEmpty)
    }

    @Test func clockRate48000AndMalformedPayloads() throws {
        var configuration = DTMFDetector.Configuration()
        configuration.telephoneEventClockRate = 48000
        var detector = try DTMFDetector(configuration: configuration)
        let packets = try TelephoneEventSender(clockRate: 48000).packets(digit: "C", duration: .milliseconds(100), rtpTimestamp: 5, firstSequence: 0, start: .ms(0))
        for packet in packets {
            try detector.handleTelephoneEvent(payload: packet.payload, rtpTimestamp: packet.rtpTimestamp, sequence: packet.sequence, marker: packet.marker, arrival: packet.sendTime)
        }
        #expect(detector.pollDigit()?.duration == .milliseconds(100))
        #expect(throws: DTMFError.truncated(field: "event", offset: 0, needed: 1, available: 0)) {
            try detector.handleTelephoneEvent(payload: [], rtpTimestamp: 0, sequence: 9, marker: false, arrival: .ms(1000))
        }
        configuration.telephoneEventClockRate = 0
        #expect(throws: DTMFError.invalidClockRate(0)) { try DTMFDetector(configuration: configuration) }
    }
}
