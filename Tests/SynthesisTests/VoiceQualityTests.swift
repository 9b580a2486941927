import Audio
import Foundation
import Speech
import Synthesis
import Testing

/// Quality floor: our own keyword recognizer understands the menu words of main.yaml rendered by Flite.
/// Each voice's score and render time are printed (`VOICE …` lines) to choose the default voice; only
/// the floor is asserted (the best voice gets at least 5 of the 6 words).
@Suite struct VoiceQualityTests {
    static let words = ["sales", "buy", "support", "help", "hours", "open"]

    static func samples16k(_ text: String, voice: String) throws -> (samples: [Int16], renderSeconds: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let (samples, rate) = try FliteSynthesizer.shared.render(text: text, voice: voice, language: "en-us")
        let elapsed = (clock.now - start)
        var out = samples
        if rate != 16_000 {
            let resampler = try Resampler(from: rate, to: 16_000)
            out = try resampler.process(samples + [Int16](repeating: 0, count: rate / 10))
        }
        let pad = [Int16](repeating: 0, count: 4_800)
        return (pad + out + pad, Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
    }

    @Test func theBestVoiceIsUnderstood() throws {
        let lexicon = try Lexicon.load()
        var best = 0
        for voice in FliteSynthesizer.Voice.allCases {
            var correct = 0
            var renderTotal = 0.0
            for word in Self.words {
                let recognizer = try KeywordRecognizer(configuration: RecognizerConfiguration(words: Self.words), lexicon: lexicon)
                let (samples, seconds) = try Self.samples16k(word, voice: voice.rawValue)
                renderTotal += seconds
                var found: KeywordMatch?
                var i = 0
                while i < samples.count {
                    if let m = try recognizer.process(Array(samples[i..<min(i + 320, samples.count)])), found == nil { found = m }
                    i += 320
                }
                if found == nil { found = try recognizer.endUtterance() }
                if found?.word == word { correct += 1 }
            }
            print("VOICE \(voice.rawValue) understood \(correct)/\(Self.words.count) render \(String(format: "%.1f", renderTotal * 1000 / Double(Self.words.count))) ms/word")
            best = max(best, correct)
        }
        #expect(best >= 5)
    }
}
