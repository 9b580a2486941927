import Foundation
import Testing
@testable import Audio

@Suite struct PromptCacheTests {
    let whatsApp = OpusEncoderSettings(fmtp: ["maxplaybackrate": "16000", "useinbandfec": "1", "maxaveragebitrate": "20000"])

    private func folderWithTone(seconds: Double = 0.5) throws -> (URL, [Int16]) {
        let dir = try TestSupport.temporaryDirectory()
        let tone = TestSupport.sine(frequency: 400, seconds: seconds, rate: 16_000)
        try TestSupport.writeWAV(tone, rate: 16_000, to: dir.appendingPathComponent("hello.wav").path)
        return (dir, tone)
    }

    @Test func twoLookupsShareOneEncoding() throws {
        let (dir, _) = try folderWithTone()
        let cache = PromptCache(folder: dir.path)
        let first = try cache.encoded(prompt: "hello", settings: whatsApp)
        let second = try cache.encoded(prompt: "hello", settings: whatsApp)
        #expect(first === second)
        #expect(cache.encodeCount == 1)
        #expect(try cache.frames(prompt: "hello", settings: whatsApp) == first.frames)
        #expect(cache.encodeCount == 1)
        // 0.5 s = 25 frames of 20 ms.
        #expect(first.frames.count == 25)
        #expect(first.duration == .milliseconds(500))
        #expect(first.path == dir.appendingPathComponent("hello.wav").path)
    }

    @Test func lastFrameIsZeroPadded() throws {
        let (dir, _) = try folderWithTone(seconds: 0.51)   // 24480 samples at 48 kHz: 25.5 frames
        let prompt = try PromptCache(folder: dir.path).encoded(prompt: "hello", settings: whatsApp)
        #expect(prompt.frames.count == 26)
        // Padding is zeros: the same bytes as encoding the padded frame by hand.
        let tone = TestSupport.sine(frequency: 400, seconds: 0.03)   // 1440 samples: 1.5 frames
        let padded = tone + [Int16](repeating: 0, count: 480)
        let encoder = try OpusEncoder(settings: whatsApp)
        let byHand = [try encoder.encode(Array(padded[0..<960])), try encoder.encode(Array(padded[960...]))]
        #expect(try EncodedPrompt.encode(tone, settings: whatsApp) == byHand)
    }

    @Test func concurrentLookupsEncodeOnce() throws {
        let (dir, _) = try folderWithTone()
        let cache = PromptCache(folder: dir.path)
        let ids = Locked<Set<ObjectIdentifier>>([])
        DispatchQueue.concurrentPerform(iterations: 200) { _ in
            if let prompt = try? cache.encoded(prompt: "hello", settings: whatsApp) {
                ids.update { $0.insert(ObjectIdentifier(prompt)) }
            }
        }
        #expect(ids.value.count == 1)
        #expect(cache.encodeCount == 1)
    }

    @Test func rewrittenFileIsEncodedAgain() throws {
        let (dir, _) = try folderWithTone()
        let cache = PromptCache(folder: dir.path)
        let before = try cache.encoded(prompt: "hello", settings: whatsApp)
        let longer = TestSupport.sine(frequency: 400, seconds: 1.0, rate: 16_000)
        try TestSupport.writeWAV(longer, rate: 16_000, to: dir.appendingPathComponent("hello.wav").path)
        let after = try cache.encoded(prompt: "hello", settings: whatsApp)
        #expect(before !== after)
        #expect(after.frames.count == 50)
        #expect(cache.encodeCount == 2)
        #expect(try cache.encoded(prompt: "hello", settings: whatsApp) === after)
        #expect(cache.encodeCount == 2)
    }

    @Test func explicitInvalidation() throws {
        let (dir, _) = try folderWithTone()
        let cache = PromptCache(folder: dir.path)
        let before = try cache.encoded(prompt: "hello", settings: whatsApp)
        cache.invalidate(prompt: "hello")
        #expect(try cache.encoded(prompt: "hello", settings: whatsApp) !== before)
        cache.invalidateAll()
        _ = try cache.encoded(prompt: "hello", settings: whatsApp)
        #expect(cache.encodeCount == 3)
    }

    @Test func differentFmtpIsASeparateEntry() throws {
        let (dir, _) = try folderWithTone()
        let cache = PromptCache(folder: dir.path)
        let narrow = try cache.encoded(prompt: "hello", settings: whatsApp)
        let full = try cache.encoded(prompt: "hello", settings: OpusEncoderSettings(fmtp: [:]))
        #expect(narrow !== full)
        #expect(narrow.settings.maxPlaybackRate == 16_000)
        #expect(full.settings.maxPlaybackRate == 48_000)
        #expect(cache.encodeCount == 2)
        #expect(try cache.encoded(prompt: "hello", settings: whatsApp) === narrow)
        #expect(try cache.encoded(prompt: "hello", settings: OpusEncoderSettings()) === full)
        #expect(cache.encodeCount == 2)
    }

    @Test func decodedFramesMatchTheSource() throws {
        // A sweep, so that the correlation has one clear peak.
        let dir = try TestSupport.temporaryDirectory()
        let tone = (0..<8000).map { i -> Int16 in
            let t = Double(i) / 16_000
            return Int16((0.4 * 32767 * sin(2 * Double.pi * (200 * t + 1500 * t * t))).rounded())
        }
        try TestSupport.writeWAV(tone, rate: 16_000, to: dir.appendingPathComponent("hello.wav").path)
        let prompt = try PromptCache(folder: dir.path).encoded(prompt: "hello", settings: whatsApp)
        let decoder = try OpusDecoder()
        let decoded = try prompt.frames.flatMap { try decoder.decode($0) }
        let source = try PromptLoader.load(path: dir.appendingPathComponent("hello.wav").path).samples
        #expect(tone.count * 3 == source.count)
        // Opus delays its output by its look-ahead (6.5 ms = 312 samples at 48 kHz; the peak sits within a few).
        let best = TestSupport.bestCorrelation(Array(source[960..<20_000]), Array(decoded[960...]), maxLag: 600)
        #expect((305...315).contains(best.lag))
        #expect(best.value > 0.95)
    }

    @Test func missingPromptNamesTheFolder() throws {
        let dir = try TestSupport.temporaryDirectory()
        let cache = PromptCache(folder: dir.path)
        let expected = AudioFileError.promptNotFound(id: "welcome", folder: dir.path, extensions: ["wav", "flac", "ogg", "mp3"])
        #expect(throws: expected) { try cache.frames(prompt: "welcome", settings: whatsApp) }
        #expect(expected.description
            == "prompt 'welcome' not found in \(dir.path): none of welcome.wav, welcome.flac, welcome.ogg, welcome.mp3 exists")
    }

    @Test func promptIDsCannotLeaveTheFolder() throws {
        let cache = PromptCache(folder: TestSupport.fixtures.path)
        for id in ["../Fixtures/stereo-8k", "", ".hidden", "a/b"] {
            #expect(throws: AudioFileError.invalidPromptID(id: id)) { try cache.frames(prompt: id, settings: whatsApp) }
        }
        #expect(AudioFileError.invalidPromptID(id: "a/b").description
            == "invalid prompt id 'a/b': expected a file name without '/', not starting with '.'")
    }

    @Test func unreadablePromptReportsTheFile() throws {
        let cache = PromptCache(folder: TestSupport.fixtures.path)
        let path = TestSupport.fixture("not-audio.wav")
        #expect(throws: AudioFileError.unsupported(path: path, reason: "format not recognised (expected WAV, FLAC, OGG/Vorbis or MP3)")) {
            try cache.frames(prompt: "not-audio", settings: whatsApp)
        }
        #expect(cache.encodeCount == 0)
        // The broken file is not read again until it changes.
        #expect(throws: AudioFileError.self) { try cache.frames(prompt: "not-audio", settings: whatsApp) }
        #expect(cache.readCount == 1)
    }

    @Test func aBrokenRewriteIsReportedAndAFixedOneServed() throws {
        let (dir, _) = try folderWithTone()
        let path = dir.appendingPathComponent("hello.wav").path
        let cache = PromptCache(folder: dir.path)
        _ = try cache.encoded(prompt: "hello", settings: whatsApp)
        try Data("not audio any more".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: AudioFileError.unsupported(path: path, reason: "format not recognised (expected WAV, FLAC, OGG/Vorbis or MP3)")) {
            try cache.frames(prompt: "hello", settings: whatsApp)
        }
        try TestSupport.writeWAV(TestSupport.sine(frequency: 300, seconds: 0.2, rate: 16_000), rate: 16_000, to: path)
        #expect(try cache.frames(prompt: "hello", settings: whatsApp).count == 10)
        #expect(cache.encodeCount == 2)
        #expect(cache.readCount == 3)
    }

    @Test func otherFormatsAreFoundByExtension() throws {
        let cache = PromptCache(folder: TestSupport.fixtures.path)
        #expect(try cache.encoded(prompt: "tone-22k", settings: whatsApp).path == TestSupport.fixture("tone-22k.ogg"))
        #expect(try cache.frames(prompt: "tone-22k", settings: whatsApp).count == 25)
        #expect(try cache.frames(prompt: "tone-44k", settings: whatsApp).count == 13)   // the FLAC, tried before the MP3
        #expect(cache.availablePrompts() == ["cut-short", "no-samples", "not-audio", "stereo-8k", "tone-22k", "tone-44k", "truncated"])
    }

    @Test func silenceIsOneSharedTinyFrame() throws {
        let cache = PromptCache(folder: "/nonexistent")
        let frame = try cache.silence(settings: whatsApp)
        #expect(try cache.silence(settings: whatsApp) == frame)
        #expect(frame.count < 10)
        let decoder = try OpusDecoder()
        for _ in 0..<3 {
            let pcm = try decoder.decode(frame)
            #expect(pcm.count == 960)
            #expect(pcm.map { abs(Int($0)) }.max() ?? 99 <= 2)
        }
    }

    @Test func everyShippedPromptEncodes() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Prompts").path
        let cache = PromptCache(folder: folder)
        let ids = cache.availablePrompts()
        #expect(ids.contains("welcome"))
        try cache.preload(prompts: ids, settings: whatsApp)
        #expect(cache.encodeCount == ids.count)
        for id in ids { #expect(try !cache.frames(prompt: id, settings: whatsApp).isEmpty) }
        #expect(cache.encodeCount == ids.count)
    }
}

/// A value behind a lock, for collecting results from concurrent test code.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.lock(); defer { lock.unlock() }; return stored }
    func update(_ body: (inout Value) -> Void) { lock.lock(); body(&stored); lock.unlock() }
}
