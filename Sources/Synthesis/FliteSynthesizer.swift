import Audio
import CFlite
import Foundation

/// Offline text-to-speech with CMU Flite (Debian `flite1-dev`): the four US English voices.
/// Flite is not thread-safe, so one lock serialises every render; renders are cached by
/// `SpokenPromptCache` and run off the media path.
public final class FliteSynthesizer: SpeechRenderer, @unchecked Sendable {
    public enum Voice: String, CaseIterable, Sendable {
        case slt, kal, awb, rms
    }

    public static let shared = FliteSynthesizer()
    public static let languages = ["en-us", "en"]
    /// Longest text rendered in one go (a prompt, not a book).
    public static let maxCharacters = 1_000

    public let engineVersion = "flite-\(FLITE_PROJECT_VERSION)"
    private let lock = NSLock()
    private var voices: [Voice: UnsafeMutablePointer<cst_voice>] = [:]

    private init() {
        flite_init()
    }

    public static func isKnown(voice: String) -> Bool { Voice(rawValue: voice) != nil }

    public func render(text: String, voice: String, language: String) throws -> (samples: [Int16], sampleRate: Int) {
        guard let v = Voice(rawValue: voice) else {
            throw SynthesisError.unknownVoice(voice: voice, known: Voice.allCases.map(\.rawValue))
        }
        guard Self.languages.contains(language.lowercased()) else {
            throw SynthesisError.unsupportedLanguage(language: language, voice: voice, supported: Self.languages)
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= Self.maxCharacters else {
            throw SynthesisError.badText(length: trimmed.count, limit: Self.maxCharacters)
        }
        return try lock.withLock {
            let handle = register(v)
            guard let wave = flite_text_to_wave(trimmed, handle) else {
                throw SynthesisError.renderFailed(voice: voice, text: trimmed)
            }
            defer { delete_wave(wave) }
            let count = Int(max(0, wave.pointee.num_samples))
            let channels = Int(max(1, wave.pointee.num_channels))
            guard count > 0, let data = wave.pointee.samples else { throw SynthesisError.renderFailed(voice: voice, text: trimmed) }
            var samples = [Int16](repeating: 0, count: count)
            for i in 0..<count { samples[i] = data[i * channels] }
            return (samples, Int(wave.pointee.sample_rate))
        }
    }

    /// Registers a voice on first use (under the lock).
    private func register(_ voice: Voice) -> UnsafeMutablePointer<cst_voice>? {
        if let handle = voices[voice] { return handle }
        let handle: UnsafeMutablePointer<cst_voice>?
        switch voice {
        case .slt: handle = register_cmu_us_slt(nil)
        case .kal: handle = register_cmu_us_kal(nil)
        case .awb: handle = register_cmu_us_awb(nil)
        case .rms: handle = register_cmu_us_rms(nil)
        }
        voices[voice] = handle
        return handle
    }
}
