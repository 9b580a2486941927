import Audio
import Testing
import Wire
@testable import DTMF

/// Tones through the real codec path: 48 kHz PCM → Opus (24 kb/s, the call settings) → PCM.
@Suite struct OpusToneTests {
    func throughOpus(_ pcm: [Int16]) throws -> [Int16] {
        let encoder = try OpusEncoder()
        let decoder = try OpusDecoder()
        var out: [Int16] = []
        var padded = pcm
        padded += [Int16](repeating: 0, count: (960 - pcm.count % 960) % 960)
        for start in stride(from: 0, to: padded.count, by: 960) {
            out += try decoder.decode(try encoder.encode(Array(padded[start..<(start + 960)])))
        }
        return out
    }

    @Test func everyDigitSurvivesOpus() throws {
        let rate = 48000
        var pcm = TestSignals.silence(seconds: 0.1, rate: rate)
        for digit in allDigits {
            pcm += TestSignals.dtmf(digit, seconds: 0.08, rate: rate) + TestSignals.silence(seconds: 0.08, rate: rate)
        }
        let decoded = try throughOpus(pcm)
        let found = try detect(decoded, rate: rate)
        #expect(found.map(\.digit) == allDigits)
        for event in found { #expect(within(event.duration, .milliseconds(80), .milliseconds(15)), "\(event)") }
    }

    @Test(arguments: [-0.015, 0.015]) func offsetDigitsSurviveOpus(offset: Double) throws {
        let rate = 48000
        var pcm: [Int16] = []
        for digit in allDigits {
            pcm += TestSignals.dtmf(digit, seconds: 0.06, rate: rate, offset: offset) + TestSignals.silence(seconds: 0.06, rate: rate)
        }
        #expect(try detect(throughOpus(pcm), rate: rate).map(\.digit) == allDigits)
    }

    @Test func quietDigitsSurviveOpus() throws {
        let rate = 48000
        let pcm = TestSignals.dtmf("#", seconds: 0.1, rate: rate, dbfs: -30) + TestSignals.silence(seconds: 0.1, rate: rate)
        #expect(try detect(throughOpus(pcm), rate: rate).map(\.digit) == ["#"])
    }

    @Test func speechLikeThroughOpusIsNotADigit() throws {
        let rate = 48000
        let vowel = TestSignals.vowel(f0: 174.25, formants: [700, 1220], seconds: 1, rate: rate)
        #expect(try detect(throughOpus(vowel), rate: rate).isEmpty)
        #expect(try detect(throughOpus(TestSignals.noise(seconds: 1, rate: rate, dbfs: -20)), rate: rate).isEmpty)
        #expect(try detect(throughOpus(TestSignals.tones([(440, -10)], seconds: 1, rate: rate)), rate: rate).isEmpty)
    }
}
