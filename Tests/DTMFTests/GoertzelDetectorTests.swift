import Foundation
import Testing
import Wire
@testable import DTMF

let rates = [8000, 16000, 48000]
let allDigits = Array("0123456789*#ABCD")

func within(_ value: Duration, _ expected: Duration, _ tolerance: Duration = .milliseconds(10)) -> Bool {
    abs((value - expected).totalNanoseconds) <= tolerance.totalNanoseconds
}

func detect(_ pcm: [Int16], rate: Int, chunkSeconds: Double = 0.02, configuration: GoertzelDetector.Configuration = .init()) throws -> [DigitEvent] {
    var detector = try GoertzelDetector(configuration: configuration)
    return try TestSignals.feed(pcm, rate: rate, chunkSeconds: chunkSeconds, into: &detector) + detector.flush()
}

@Suite struct GoertzelDetectorTests {
    @Test(arguments: rates) func everyDigitAtMinus20dBFS(rate: Int) throws {
        var pcm = TestSignals.silence(seconds: 0.1, rate: rate)
        for digit in allDigits {
            pcm += TestSignals.dtmf(digit, seconds: 0.1, rate: rate) + TestSignals.silence(seconds: 0.1, rate: rate)
        }
        let found = try detect(pcm, rate: rate)
        #expect(found.map(\.digit) == allDigits)
        for (i, event) in found.enumerated() {
            #expect(event.via == .inband)
            #expect(event.rtpTimestamp == nil)
            #expect(within(event.start - .ms(0), .milliseconds(100 + Int64(i) * 200)), "start \(event.start)")
            #expect(within(event.duration, .milliseconds(100)), "duration \(event.duration)")
        }
    }

    @Test(arguments: rates, [-0.015, 0.015]) func frequencyOffsetsOfOneAndAHalfPercent(rate: Int, offset: Double) throws {
        var pcm: [Int16] = []
        for digit in allDigits {
            pcm += TestSignals.dtmf(digit, seconds: 0.06, rate: rate, offset: offset) + TestSignals.silence(seconds: 0.06, rate: rate)
        }
        #expect(try detect(pcm, rate: rate).map(\.digit) == allDigits)
    }

    @Test(arguments: rates) func fortyMillisecondsIsFoundAtEveryAlignment(rate: Int) throws {
        for lead in 0..<10 {
            let pcm = TestSignals.silence(seconds: 0.05 + Double(lead) / 1000, rate: rate)
                + TestSignals.dtmf("5", seconds: 0.04, rate: rate) + TestSignals.silence(seconds: 0.1, rate: rate)
            let found = try detect(pcm, rate: rate)
            #expect(found.map(\.digit) == ["5"], "lead \(lead) ms")
        }
    }

    @Test(arguments: rates) func twentyMillisecondsIsRejectedAtEveryAlignment(rate: Int) throws {
        for lead in 0..<10 {
            let pcm = TestSignals.silence(seconds: 0.05 + Double(lead) / 1000, rate: rate)
                + TestSignals.dtmf("5", seconds: 0.02, rate: rate) + TestSignals.silence(seconds: 0.1, rate: rate)
            #expect(try detect(pcm, rate: rate).isEmpty, "lead \(lead) ms")
        }
    }

    @Test func aShortDropoutIsBridgedAndAGapSeparatesPresses() throws {
        let rate = 8000
        let tone = TestSignals.dtmf("2", seconds: 0.08, rate: rate)
        // 10 ms dropout: one press of 170 ms.
        let bridged = tone + TestSignals.silence(seconds: 0.01, rate: rate) + tone + TestSignals.silence(seconds: 0.1, rate: rate)
        let one = try detect(bridged, rate: rate)
        #expect(one.map(\.digit) == ["2"])
        #expect(within(one.first?.duration ?? .zero, .milliseconds(170)))
        // 40 ms gap: the same key twice.
        let two = tone + TestSignals.silence(seconds: 0.04, rate: rate) + tone + TestSignals.silence(seconds: 0.1, rate: rate)
        #expect(try detect(two, rate: rate).map(\.digit) == ["2", "2"])
    }

    @Test(arguments: rates) func longPressIsOneDigit(rate: Int) throws {
        let pcm = TestSignals.dtmf("9", seconds: 3, rate: rate) + TestSignals.silence(seconds: 0.1, rate: rate)
        let found = try detect(pcm, rate: rate)
        #expect(found.map(\.digit) == ["9"])
        #expect(within(found.first?.duration ?? .zero, .seconds(3)))
    }

    @Test(arguments: rates) func toneInModerateNoiseIsFound(rate: Int) throws {
        let tone = TestSignals.dtmf("0", seconds: 0.1, rate: rate) + TestSignals.silence(seconds: 0.1, rate: rate)
        let noise = TestSignals.noise(seconds: 0.2, rate: rate, dbfs: -40)
        let mixed = zip(tone, noise).map { Int16(clamping: Int($0) + Int($1)) }
        #expect(try detect(mixed, rate: rate).map(\.digit) == ["0"])
    }

    @Test(arguments: rates) func singleTonesAreRejected(rate: Int) throws {
        #expect(try detect(TestSignals.tones([(440, -10)], seconds: 1, rate: rate), rate: rate).isEmpty)
        #expect(try detect(TestSignals.tones([(697, -20)], seconds: 1, rate: rate), rate: rate).isEmpty)
        #expect(try detect(TestSignals.tones([(1336, -20)], seconds: 1, rate: rate), rate: rate).isEmpty)
        // Dial tone (350 + 440 Hz) is dual but not DTMF.
        #expect(try detect(TestSignals.tones([(350, -20), (440, -20)], seconds: 1, rate: rate), rate: rate).isEmpty)
    }

    @Test(arguments: rates) func whiteNoiseIsRejected(rate: Int) throws {
        for level in [-10.0, -20, -30] {
            #expect(try detect(TestSignals.noise(seconds: 2, rate: rate, dbfs: level), rate: rate).isEmpty, "level \(level)")
        }
    }

    @Test(arguments: rates) func speechLikeHarmonicsAreRejected(rate: Int) throws {
        // 174.25 Hz has its 4th harmonic on 697 Hz and its 7th within 1 % of 1209 Hz.
        let adversarial = TestSignals.vowel(f0: 174.25, formants: [700, 1220], seconds: 1, rate: rate)
        #expect(try detect(adversarial, rate: rate).isEmpty)
        let vowels: [(Double, [Double], Double)] = [
            (120, [730, 1090], 0.1), (210, [270, 2290], -0.1), (160, [530, 1840], 0.05), (100, [660, 1720], 0), (232.25, [697, 1394], 0),
        ]
        for (f0, formants, glide) in vowels {
            let pcm = TestSignals.vowel(f0: f0, formants: formants, seconds: 1, rate: rate, glide: glide)
            #expect(try detect(pcm, rate: rate).isEmpty, "f0 \(f0)")
        }
    }

    @Test func oddChunkSizesGiveTheSameResult() throws {
        let rate = 16000
        let pcm = TestSignals.dtmf("A", seconds: 0.12, rate: rate) + TestSignals.silence(seconds: 0.1, rate: rate)
            + TestSignals.dtmf("C", seconds: 0.12, rate: rate) + TestSignals.silence(seconds: 0.1, rate: rate)
        let reference = try detect(pcm, rate: rate)
        #expect(reference.map(\.digit) == ["A", "C"])
        #expect(try detect(pcm, rate: rate, chunkSeconds: 0.0071) == reference)
        #expect(try detect(pcm, rate: rate, chunkSeconds: 0.0002) == reference)
    }

    @Test func aJumpInTheTimelineEndsTheToneInProgress() throws {
        var detector = try GoertzelDetector()
        let rate = 8000
        var found = try detector.process(pcm: TestSignals.dtmf("1", seconds: 0.1, rate: rate), sampleRate: rate, at: .ms(0))
        #expect(found.isEmpty)
        found = try detector.process(pcm: TestSignals.silence(seconds: 0.02, rate: rate), sampleRate: rate, at: .ms(5000))
        #expect(found.map(\.digit) == ["1"])
        #expect(found.first?.start == .ms(0))
        #expect(found.first?.duration == .milliseconds(100))
    }

    @Test func configurationAndInputErrors() throws {
        var detector = try GoertzelDetector()
        #expect(throws: DTMFError.unsupportedSampleRate(actual: 44100, supported: [8000, 16000, 48000])) {
            try detector.process(pcm: [0, 0], sampleRate: 44100, at: .ms(0))
        }
        #expect(DTMFError.unsupportedSampleRate(actual: 44100, supported: [8000, 16000, 48000]).description
            == "PCM sample rate 44100 Hz is not supported: expected one of 8000, 16000, 48000 Hz")
        var configuration = GoertzelDetector.Configuration()
        configuration.blockDuration = .milliseconds(25)
        #expect(throws: DTMFError.invalidSetting(name: "blockDuration", value: "0.025 seconds", expected: "whole milliseconds from 10 ms to 20 ms")) {
            try GoertzelDetector(configuration: configuration)
        }
    }

    @Test(arguments: [15, 20]) func longerBlocksStillFindFortyMilliseconds(block: Int) throws {
        var configuration = GoertzelDetector.Configuration()
        configuration.blockDuration = .milliseconds(Int64(block))
        configuration.minimumGap = .milliseconds(Int64(block))
        let rate = 48000
        let pcm = TestSignals.silence(seconds: 0.013, rate: rate) + TestSignals.dtmf("6", seconds: 0.045, rate: rate)
            + TestSignals.silence(seconds: 0.1, rate: rate)
        #expect(try detect(pcm, rate: rate, configuration: configuration).map(\.digit) == ["6"])
    }
}

@Suite struct GoertzelFrequencyTests {
    @Test(arguments: rates, [-0.04, 0.04, -0.06, 0.06]) func offsetsBeyondThreeAndAHalfPercentAreRejected(rate: Int, offset: Double) throws {
        var pcm: [Int16] = []
        for digit in allDigits {
            pcm += TestSignals.dtmf(digit, seconds: 0.1, rate: rate, offset: offset) + TestSignals.silence(seconds: 0.06, rate: rate)
        }
        #expect(try detect(pcm, rate: rate).isEmpty)
    }

    @Test(arguments: rates) func glidingDualToneIsRejected(rate: Int) throws {
        // Both tones of '5' sweeping a semitone (6 %) in 50 ms, like harmonics following a voice's
        // inflection; every other check passes (steady level, pure, right frequencies at mid-sweep).
        let count = rate / 20
        var phaseRow = 0.0, phaseColumn = 0.0
        let amplitude = TestSignals.amplitude(dbfs: -20)
        let pcm: [Int16] = (0..<count).map { i in
            let glide = 0.97 + 0.06 * Double(i) / Double(count)
            phaseRow += 2 * Double.pi * 770 * glide / Double(rate)
            phaseColumn += 2 * Double.pi * 1336 * glide / Double(rate)
            return Int16(clamping: Int((amplitude * (sin(phaseRow) + sin(phaseColumn))).rounded()))
        }
        #expect(try detect(pcm + TestSignals.silence(seconds: 0.1, rate: rate), rate: rate).isEmpty)
    }
}
