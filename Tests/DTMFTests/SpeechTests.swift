import Foundation
import Testing
import Wire
@testable import DTMF

/// Real synthetic speech from espeak-ng, resampled by sox (Debian packages `espeak-ng` and `sox`).
/// Skipped when either tool is missing.
enum Speech {
    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var available: Bool { tool("espeak-ng") != nil && tool("sox") != nil }

    static func run(_ path: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(path) exited \(process.terminationStatus)"])
        }
    }

    /// Speaks `text` and returns mono 16-bit PCM at `rate`.
    static func pcm(_ text: String, rate: Int, voice: String, pitch: Int) throws -> [Int16] {
        guard let espeak = tool("espeak-ng"), let sox = tool("sox") else { return [] }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dtmf-speech-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let wav = dir.appendingPathComponent("speech.wav").path
        let raw = dir.appendingPathComponent("speech.raw").path
        try run(espeak, ["-v", voice, "-p", String(pitch), "-s", "150", "-w", wav, text])
        try run(sox, [wav, "-r", String(rate), "-c", "1", "-b", "16", "-e", "signed-integer", "-L", raw])
        let data = try Data(contentsOf: URL(fileURLWithPath: raw))
        return stride(from: 0, to: data.count - 1, by: 2).map { Int16(bitPattern: UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8) }
    }
}

// Needs espeak-ng and sox, which `make test` installs (.ci/deps.sh).
@Suite struct SpeechTests {
    static let texts = [
        "Please press one for sales, two for support, or the pound key to repeat this menu.",
        "Zero one two three four five six seven eight nine. Star, hash, A, B, C, D.",
        "Hello? Hello! Yes, I would like to talk to somebody about my order, it is number four four seven.",
    ]

    @Test(arguments: [8000, 16000, 48000]) func spokenMenusAreNotDigits(rate: Int) throws {
        for text in Self.texts {
            for (voice, pitch) in [("en", 50), ("en+f3", 80), ("en-us+m7", 20)] {
                let speech = try Speech.pcm(text, rate: rate, voice: voice, pitch: pitch)
                #expect(speech.count > rate, "no speech generated")
                // Full scale and quieter: espeak-ng peaks near 0 dBFS.
                for gain in [1.0, 0.1] {
                    let scaled = speech.map { Int16(clamping: Int((Double($0) * gain).rounded())) }
                    let found = try detect(scaled, rate: rate)
                    #expect(found.isEmpty, "\(voice) pitch \(pitch) gain \(gain): \(found)")
                }
            }
        }
    }

    @Test func digitsAreStillFoundBetweenWords() throws {
        let rate = 16000
        let speech = try Speech.pcm("Please enter your number now.", rate: rate, voice: "en", pitch: 50)
        let pcm = speech + TestSignals.dtmf("7", seconds: 0.08, rate: rate) + TestSignals.silence(seconds: 0.1, rate: rate) + speech
        #expect(try detect(pcm, rate: rate).map(\.digit) == ["7"])
    }
}
