import Audio
import Foundation
import Synthesis
import Testing

/// Flite renders text for `say:` prompts; the spoken-prompt cache renders each (text, voice, language,
/// engine version, settings) once and counts hits and misses.
@Suite struct FliteRenderTests {
    let settings = OpusEncoderSettings(fmtp: ["maxplaybackrate": "16000"])

    @Test(arguments: FliteSynthesizer.Voice.allCases)
    func everyVoiceRendersASentence(_ voice: FliteSynthesizer.Voice) throws {
        let (samples, rate) = try FliteSynthesizer.shared.render(text: "Your code is 4 2.", voice: voice.rawValue, language: "en-us")
        #expect([8_000, 16_000].contains(rate))
        // A short sentence: between half a second and five seconds of audio, and not silence.
        #expect(samples.count > rate / 2 && samples.count < rate * 5)
        #expect(samples.contains { abs(Int($0)) > 1_000 })
    }

    @Test func theSecondLookupIsAHitAndTheKeyHoldsVoiceAndLanguage() throws {
        let cache = SpokenPromptCache(renderer: FliteSynthesizer.shared, capacity: 2)
        let first = try cache.encoded(text: "Sales, press one.", voice: "slt", language: "en-us", settings: settings)
        #expect(cache.misses == 1 && cache.hits == 0)
        let again = try cache.encoded(text: "Sales, press one.", voice: "slt", language: "en-us", settings: settings)
        #expect(again === first)
        #expect(cache.misses == 1 && cache.hits == 1)
        // Another voice is another rendering.
        let kal = try cache.encoded(text: "Sales, press one.", voice: "kal", language: "en-us", settings: settings)
        #expect(kal !== first)
        #expect(cache.misses == 2)
        #expect(cache.key(text: "a", voice: "slt", language: "en-us", settings: settings).engineVersion.hasPrefix("flite-"))
        // Bounded: a third text evicts the least recently used (slt was used before kal).
        _ = try cache.encoded(text: "Goodbye.", voice: "slt", language: "en-us", settings: settings)
        #expect(cache.count == 2)
        #expect(try cache.preload(text: "Sales, press one.", voice: "kal", language: "en-us", settings: settings))
        #expect(try cache.preload(text: "Sales, press one.", voice: "slt", language: "en-us", settings: settings) == false)
        // About 1 s of speech at 20 ms a frame.
        #expect(first.frames.count > 25 && first.frames.count < 150)
    }

    @Test func unknownVoicesLanguagesAndEmptyTextsAreTypedErrors() {
        #expect(throws: SynthesisError.unknownVoice(voice: "bob", known: ["slt", "kal", "awb", "rms"])) {
            try FliteSynthesizer.shared.render(text: "hi", voice: "bob", language: "en-us")
        }
        #expect(throws: SynthesisError.unsupportedLanguage(language: "es", voice: "slt", supported: ["en-us", "en"])) {
            try FliteSynthesizer.shared.render(text: "hola", voice: "slt", language: "es")
        }
        #expect(throws: SynthesisError.badText(length: 0, limit: 1_000)) {
            try FliteSynthesizer.shared.render(text: "  ", voice: "slt", language: "en-us")
        }
    }
}
