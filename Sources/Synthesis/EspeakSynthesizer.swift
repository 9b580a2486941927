import Audio
import CEspeakNG
import Foundation

/// Offline text-to-speech with eSpeak NG (Debian `libespeak-ng1`, headers in `libespeak-ng-dev`): the
/// `espeak` voice, for the languages Flite does not speak. Clear but robotic; the voice is chosen by
/// the language (`es`, `pt-br`, …). eSpeak NG keeps global state, so one lock serialises every render.
public final class EspeakSynthesizer: SpeechRenderer, @unchecked Sendable {
    public static let shared = EspeakSynthesizer()
    public static let voice = "espeak"
    /// Longest text rendered in one go (a prompt, not a book).
    public static let maxCharacters = 1_000

    public let engineVersion: String
    private let lock = NSLock()
    /// Why the engine could not start (its data folder missing), if it could not.
    private let startFailure: String?
    private var currentLanguage: String?

    /// Collects the samples eSpeak hands to the callback during one synchronous render.
    private final class Collector {
        var samples: [Int16] = []
    }

    private init() {
        espeak_ng_InitializePath(nil)
        let status = espeak_ng_Initialize(nil)
        if status == ENS_OK {
            let output = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nil)
            startFailure = output == ENS_OK ? nil : "espeak-ng output set-up failed (status \(output.rawValue))"
        } else {
            startFailure = "espeak-ng failed to start (status \(status.rawValue)): is espeak-ng-data installed?"
        }
        engineVersion = "espeak-ng-" + (espeak_Info(nil).map { String(cString: $0) } ?? "unknown")
        espeak_SetSynthCallback { wav, count, events in
            guard let events, let box = events.pointee.user_data else { return 0 }
            let collector = Unmanaged<Collector>.fromOpaque(box).takeUnretainedValue()
            if let wav, count > 0 { collector.samples.append(contentsOf: UnsafeBufferPointer(start: wav, count: Int(count))) }
            return 0
        }
    }

    /// The languages eSpeak NG has voices for (from its own voice list), lowercased.
    public func languages() -> [String] {
        lock.withLock {
            guard startFailure == nil, var list = espeak_ListVoices(nil) else { return [] }
            var out: [String] = []
            while let voice = list.pointee {
                // `languages` is a list of (priority byte, NUL-terminated name), ended by a zero priority.
                if var p = voice.pointee.languages {
                    while p.pointee != 0 {
                        let name = String(cString: p + 1)
                        out.append(name.lowercased())
                        p += 1 + name.utf8.count + 1
                    }
                }
                list += 1
            }
            return out
        }
    }

    public func render(text: String, voice: String, language: String) throws -> (samples: [Int16], sampleRate: Int) {
        guard voice == Self.voice else {
            throw SynthesisError.unknownVoice(voice: voice, known: [Self.voice])
        }
        if let startFailure { throw SynthesisError.engineUnavailable(reason: startFailure) }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= Self.maxCharacters else {
            throw SynthesisError.badText(length: trimmed.count, limit: Self.maxCharacters)
        }
        return try lock.withLock {
            if currentLanguage != language {
                var selector = espeak_VOICE()
                let status = language.withCString { tag -> espeak_ng_STATUS in
                    selector.languages = tag
                    return espeak_ng_SetVoiceByProperties(&selector)
                }
                guard status == ENS_OK else {
                    throw SynthesisError.unsupportedLanguage(language: language, voice: voice, supported: ["see espeak-ng --voices"])
                }
                currentLanguage = language
            }
            let collector = Collector()
            let box = Unmanaged.passRetained(collector)
            defer { box.release() }
            let status = trimmed.withCString { c -> espeak_ng_STATUS in
                espeak_ng_Synthesize(c, strlen(c) + 1, 0, POS_CHARACTER, 0, UInt32(espeakCHARS_UTF8), nil, box.toOpaque())
            }
            guard status == ENS_OK, !collector.samples.isEmpty else {
                throw SynthesisError.renderFailed(voice: voice, text: trimmed)
            }
            return (collector.samples, Int(espeak_ng_GetSampleRate()))
        }
    }
}
