import Audio
import Flow
import Foundation
import Synthesis
import Testing

/// eSpeak NG speaks the `say:` texts of languages Flite does not; the language list the validator
/// checks against (`SpeechVoices`) is the one the installed engine has.
@Suite struct EspeakRenderTests {
    @Test func spanishRendersAsSpeech() throws {
        let (samples, rate) = try EspeakSynthesizer.shared.render(text: "Para español, oprima dos.", voice: "espeak", language: "es")
        #expect(rate == 22_050)
        #expect(samples.count > rate / 2 && samples.count < rate * 6)
        #expect(samples.contains { abs(Int($0)) > 1_000 })
    }

    @Test func theValidatorsLanguageListIsTheEngines() {
        let engine = Set(EspeakSynthesizer.shared.languages())
        let listed = Set(SpeechVoices.espeakLanguages)
        #expect(listed.subtracting(engine).isEmpty, "listed but not in espeak-ng: \(listed.subtracting(engine).sorted())")
    }

    @Test func theSynthesizerRoutesByVoiceAndRefusesWhatNoEngineSpeaks() throws {
        let english = try SpeechSynthesizer.shared.render(text: "Hello.", voice: "rms", language: "en-us")
        let spanish = try SpeechSynthesizer.shared.render(text: "Hola.", voice: "espeak", language: "es")
        #expect(english.sampleRate != spanish.sampleRate)
        #expect(throws: SynthesisError.self) { try SpeechSynthesizer.shared.render(text: "Hola.", voice: "rms", language: "es") }
        #expect(throws: SynthesisError.self) { try SpeechSynthesizer.shared.render(text: "Hi.", voice: "robot", language: "en-us") }
        #expect(SpeechSynthesizer.shared.engineVersion.contains("flite") && SpeechSynthesizer.shared.engineVersion.contains("espeak-ng"))
    }

    @Test func theSpokenPromptCacheKeysOnLanguage() throws {
        let settings = OpusEncoderSettings(fmtp: ["maxplaybackrate": "16000"])
        let cache = SpokenPromptCache(renderer: SpeechSynthesizer.shared)
        let es = try cache.encoded(text: "Adiós.", voice: "espeak", language: "es", settings: settings)
        let pt = try cache.encoded(text: "Adiós.", voice: "espeak", language: "pt-br", settings: settings)
        #expect(es !== pt && cache.misses == 2)
        _ = try cache.encoded(text: "Adiós.", voice: "espeak", language: "es", settings: settings)
        #expect(cache.hits == 1)
    }
}
