import Audio

/// The `say:` engine: Flite's voices (`rms`, `slt`, `awb`, `kal`) for English, eSpeak NG (`espeak`) for
/// every other language. Which voice speaks which language is checked by `ivrd validate`
/// (`SpeechVoices` in the Flow module); here an unknown voice or language is an error.
public struct SpeechSynthesizer: SpeechRenderer {
    public static let shared = SpeechSynthesizer()

    /// Both engines' versions: upgrading either re-renders every cached text.
    public var engineVersion: String { "\(FliteSynthesizer.shared.engineVersion)+\(EspeakSynthesizer.shared.engineVersion)" }

    public func render(text: String, voice: String, language: String) throws -> (samples: [Int16], sampleRate: Int) {
        if voice == EspeakSynthesizer.voice {
            return try EspeakSynthesizer.shared.render(text: text, voice: voice, language: language)
        }
        guard FliteSynthesizer.isKnown(voice: voice) else {
            throw SynthesisError.unknownVoice(voice: voice, known: FliteSynthesizer.Voice.allCases.map(\.rawValue) + [EspeakSynthesizer.voice])
        }
        return try FliteSynthesizer.shared.render(text: text, voice: voice, language: language)
    }
}
