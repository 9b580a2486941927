import Audio
import Foundation
import Testing

@Suite struct AudioTests {
    @Test func toneSurvivesOpusRoundTrip() throws {
        var tone = ToneGenerator(frequency: 440)
        let encoder = try OpusEncoder()
        let decoder = try OpusDecoder()
        var decoded: [Int16] = []
        for _ in 0..<50 {
            let packet = try encoder.encode(tone.nextFrame())
            #expect(packet.count < 200)
            decoded += try decoder.decode(packet)
        }
        #expect(decoded.count == 50 * 960)
        // Count zero crossings over the last 0.5 s: a 440 Hz tone crosses 880 times a second.
        let tail = decoded.suffix(24_000)
        var crossings = 0
        var previous = tail.first ?? 0
        for s in tail.dropFirst() {
            if (previous < 0) != (s < 0) { crossings += 1 }
            previous = s
        }
        #expect(abs(crossings - 440) <= 6)
    }

    @Test func encoderRefusesWrongFrameSize() throws {
        let encoder = try OpusEncoder()
        #expect(throws: AudioError.invalidFrame(expectedSamples: 960, actualSamples: 100)) {
            try encoder.encode([Int16](repeating: 0, count: 100))
        }
    }

    @Test func fmtpShapesEncoderSettings() {
        let s = OpusEncoderSettings(fmtp: ["maxaveragebitrate": "20000", "maxplaybackrate": "16000", "useinbandfec": "1"])
        #expect(s.bitrate == 20000)
        #expect(s.maxPlaybackRate == 16000)
        #expect(s.inbandFEC)
        #expect(!OpusEncoderSettings(fmtp: ["useinbandfec": "0"]).inbandFEC)
    }

    @Test func concealmentProducesAFrame() throws {
        let decoder = try OpusDecoder()
        let encoder = try OpusEncoder()
        var tone = ToneGenerator(frequency: 300)
        _ = try decoder.decode(try encoder.encode(tone.nextFrame()))
        #expect(try decoder.conceal().count == 960)
        let next = try encoder.encode(tone.nextFrame())
        #expect(try decoder.conceal(next: next).count == 960)
    }

    @Test func concealmentDefaultsToTwentyMillisecondsAtTheDecodersRate() throws {
        let decoder = try OpusDecoder(sampleRate: 16_000)
        let encoder = try OpusEncoder()
        var tone = ToneGenerator(frequency: 300)
        #expect(try decoder.decode(try encoder.encode(tone.nextFrame())).count == 320)
        #expect(try decoder.conceal().count == 320)
        #expect(try decoder.conceal(next: try encoder.encode(tone.nextFrame())).count == 320)
    }

    @Test func wavWriterWritesAReadableFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ivr-\(UUID().uuidString).wav").path
        do {
            let w = try WAVWriter(path: path)
            var tone = ToneGenerator(frequency: 440)
            try w.write(tone.nextFrame())
            #expect(w.framesWritten == 960)
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.count == 44 + 960 * 2)
        #expect(data.prefix(4) == Data("RIFF".utf8))
        #expect(throws: AudioFileError.self) { try WAVWriter(path: "/nonexistent-dir/x.wav") }
    }
}
