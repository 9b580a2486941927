import Testing
@testable import Audio

@Suite struct ResamplerTests {
    @Test func streamingDownsamplingKeepsTheTone() throws {
        let resampler = try Resampler(from: 48_000, to: 16_000)
        let tone = TestSupport.sine(frequency: 1_000, seconds: 2)
        var out: [Int16] = []
        for start in stride(from: 0, to: tone.count, by: 960) {
            out += try resampler.process(Array(tone[start..<(start + 960)]))
        }
        // 2 s in, 32000 out less what the block filter still holds.
        #expect(out.count <= 32_000 && out.count >= 32_000 - 480)
        #expect(abs(TestSupport.frequency(out[8_000..<24_000], sampleRate: 16_000) - 1_000) < 2)
        #expect(abs(TestSupport.rms(out[8_000..<24_000]) - 0.4 / 2.0.squareRoot() * 32767) < 150)
        #expect(try resampler.process([]) == [])
    }

    @Test func frequenciesAboveTheNewNyquistAreRemoved() throws {
        let resampler = try Resampler(from: 48_000, to: 16_000)
        let tone = TestSupport.sine(frequency: 10_000, seconds: 1)
        let out = try resampler.process(tone)
        #expect(out.count > 10_000)
        #expect(TestSupport.rms(out[2_000...]) < 5)
    }

    @Test func oneShotConversionLength() throws {
        let input = [Float](repeating: 0.25, count: 44_100)
        let out = try Resampler.convert(input, from: 44_100, to: 48_000)
        #expect(out.count == 48_000)
        #expect(abs(out[24_000] - 0.25) < 0.001)
        #expect(try Resampler.convert(input, from: 48_000, to: 48_000) == input)
    }

    @Test func impossibleRatesAreRefused() {
        #expect(throws: AudioError.resampler(operation: "create", inputRate: 0, outputRate: 16_000, message: "rates must be positive")) {
            try Resampler(from: 0, to: 16_000)
        }
        #expect(AudioError.resampler(operation: "create", inputRate: 0, outputRate: 16_000, message: "rates must be positive").description
            == "resampler create 0 Hz -> 16000 Hz failed: rates must be positive")
    }
}
