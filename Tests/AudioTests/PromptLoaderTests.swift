import Foundation
import Testing
@testable import Audio

@Suite struct PromptLoaderTests {
    @Test func stereoWAVAt8kHzIsDownmixedAndResampled() throws {
        let file = try PromptLoader.load(path: TestSupport.fixture("stereo-8k.wav"))
        #expect(file.sourceSampleRate == 8000)
        #expect(file.sourceChannels == 2)
        #expect(file.samples.count == 12_000)   // 2000 frames × 6
        #expect(file.duration == .milliseconds(250))
        let middle = file.samples[2000..<10_000]
        // Left 0.6 and right 0.2 mix to 0.4: RMS 0.4 / √2 of full scale.
        #expect(abs(TestSupport.rms(middle) - 0.4 / 2.0.squareRoot() * 32767) < 100)
        #expect(abs(TestSupport.frequency(middle, sampleRate: 48_000) - 440) < 7)
    }

    @Test func flacAt44kHz() throws {
        let file = try PromptLoader.load(path: TestSupport.fixture("tone-44k.flac"))
        #expect(file.sourceSampleRate == 44_100)
        #expect(file.sourceChannels == 1)
        #expect(file.samples.count == 12_000)
        #expect(abs(TestSupport.frequency(file.samples[1000..<11_000], sampleRate: 48_000) - 1000) < 6)
        #expect(abs(TestSupport.rms(file.samples[1000..<11_000]) - 0.5 / 2.0.squareRoot() * 32767) < 100)
    }

    @Test func oggVorbisAt22kHz() throws {
        let file = try PromptLoader.load(path: TestSupport.fixture("tone-22k.ogg"))
        #expect(file.sourceSampleRate == 22_050)
        #expect(file.samples.count == 24_000)
        #expect(file.duration == .milliseconds(500))
        #expect(abs(TestSupport.frequency(file.samples[2000..<22_000], sampleRate: 48_000) - 500) < 5)
    }

    @Test func mp3ReadsThroughLibsndfile() throws {
        let file = try PromptLoader.load(path: TestSupport.fixture("tone-44k.mp3"))
        #expect(file.sourceSampleRate == 44_100)
        #expect(file.sourceChannels == 2)
        // The MP3 decoder keeps the encoder's priming and padding: 24192 frames at 44.1 kHz.
        #expect(file.samples.count == 26_331)
        #expect(abs(TestSupport.frequency(file.samples[4000..<22_000], sampleRate: 48_000) - 600) < 6)
    }

    @Test func fortyEightKilohertzMonoPassesThroughUnchanged() throws {
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("a.wav").path
        let tone = TestSupport.sine(frequency: 700, seconds: 0.1)
        try TestSupport.writeWAV(tone, rate: 48_000, to: path)
        let file = try PromptLoader.load(path: path)
        #expect(file.samples == tone)
    }

    @Test func missingFile() {
        #expect(throws: AudioFileError.cannotOpen(path: "/nonexistent/x.wav", reason: "no such file")) {
            try PromptLoader.load(path: "/nonexistent/x.wav")
        }
        #expect(AudioFileError.cannotOpen(path: "/nonexistent/x.wav", reason: "no such file").description
            == "/nonexistent/x.wav: cannot open audio file: no such file")
    }

    @Test func directoryIsNotAFile() {
        let path = TestSupport.fixtures.path
        #expect(throws: AudioFileError.cannotOpen(path: path, reason: "not a regular file")) {
            try PromptLoader.load(path: path)
        }
    }

    @Test func textFileIsUnsupported() {
        let path = TestSupport.fixture("not-audio.wav")
        let expected = AudioFileError.unsupported(
            path: path, reason: "format not recognised (expected WAV, FLAC, OGG/Vorbis or MP3)")
        #expect(throws: expected) { try PromptLoader.load(path: path) }
        #expect(expected.description
            == "\(path): unsupported audio: format not recognised (expected WAV, FLAC, OGG/Vorbis or MP3)")
    }

    @Test func truncatedHeaderIsMalformed() {
        let path = TestSupport.fixture("truncated.wav")
        let expected = AudioFileError.malformed(path: path, reason: "Error in WAV file. No 'data' chunk marker.")
        #expect(throws: expected) { try PromptLoader.load(path: path) }
        #expect(expected.description == "\(path): malformed audio: Error in WAV file. No 'data' chunk marker.")
    }

    @Test func streamCutShortIsMalformed() {
        let path = TestSupport.fixture("cut-short.flac")
        #expect(throws: AudioFileError.malformed(path: path, reason: "Error : flac decoder lost sync.")) {
            try PromptLoader.load(path: path)
        }
    }

    @Test func fileWithoutSamplesIsEmpty() {
        let path = TestSupport.fixture("no-samples.wav")
        #expect(throws: AudioFileError.empty(path: path)) { try PromptLoader.load(path: path) }
        #expect(AudioFileError.empty(path: path).description == "\(path): audio file has no samples")
    }

    @Test func overlongFileIsRefused() {
        let path = TestSupport.fixture("tone-22k.ogg")
        #expect(throws: AudioFileError.tooLong(path: path, seconds: 0, limitSeconds: 0)) {
            try PromptLoader.load(path: path, maxSeconds: 0)
        }
    }

    @Test func fixturesAreSmall() throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: TestSupport.fixtures.path) {
            let size = try FileManager.default.attributesOfItem(atPath: TestSupport.fixture(name))[.size] as? Int ?? 0
            #expect(size < 20_000, "\(name) is \(size) bytes")
        }
    }
}

@Suite struct PromptLoaderConcurrencyTests {
    /// libsndfile reports open failures through one global slot; concurrent opens must not mix them up.
    @Test func concurrentLoadsReportTheirOwnErrors() {
        let good = TestSupport.fixture("stereo-8k.wav")
        let bad = TestSupport.fixture("not-audio.wav")
        let truncated = TestSupport.fixture("truncated.wav")
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 90) { i in
            do {
                switch i % 3 {
                case 0:
                    if try PromptLoader.load(path: good).samples.count != 12_000 { failures.update { $0.append("short") } }
                case 1:
                    _ = try PromptLoader.load(path: bad)
                    failures.update { $0.append("bad loaded") }
                default:
                    _ = try PromptLoader.load(path: truncated)
                    failures.update { $0.append("truncated loaded") }
                }
            } catch let error as AudioFileError {
                let expected: AudioFileError = i % 3 == 1
                    ? .unsupported(path: bad, reason: "format not recognised (expected WAV, FLAC, OGG/Vorbis or MP3)")
                    : .malformed(path: truncated, reason: "Error in WAV file. No 'data' chunk marker.")
                if error != expected { failures.update { $0.append("\(error)") } }
            } catch {
                failures.update { $0.append("\(error)") }
            }
        }
        #expect(failures.value == [])
    }
}
