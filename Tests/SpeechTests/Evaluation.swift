import Foundation
import Speech

/// Accuracy and false accepts of one recognizer configuration over the test set, for every example menu.
struct Evaluation: Sendable, CustomStringConvertible {
    var mode: RecognitionMode
    var keywordTrials = 0
    var keywordCorrect = 0
    var substitutions = 0
    var negativeTrials = 0
    var falseAccepts = 0
    var audioSamples = 0
    var misses: [String] = []
    var accepts: [String] = []

    var accuracy: Double { keywordTrials == 0 ? 0 : Double(keywordCorrect) / Double(keywordTrials) }
    var falseAcceptRate: Double { negativeTrials == 0 ? 0 : Double(falseAccepts) / Double(negativeTrials) }

    var description: String {
        let a = (accuracy * 1000).rounded() / 10, f = (falseAcceptRate * 1000).rounded() / 10
        return "\(mode.rawValue): keyword accuracy \(a) % (\(keywordCorrect)/\(keywordTrials), \(substitutions) wrong keyword), "
            + "false accepts \(f) % (\(falseAccepts)/\(negativeTrials))"
    }

    /// Runs each menu's recognizer over every utterance: the menu's own keywords are positives; the
    /// non-keyword utterances and the other menu's keywords are negatives. Menus run in parallel.
    static func run(_ set: [Utterance], lexicon: Lexicon,
                    configure: @Sendable (_ keywords: [String]) -> RecognizerConfiguration) async throws -> Evaluation {
        let configs = exampleMenus.map { configure($0.keywords) }
        let parts = try await withThrowingTaskGroup(of: Evaluation.self) { group in
            for config in configs {
                group.addTask { try evaluate(set, configuration: config, lexicon: lexicon) }
            }
            var all: [Evaluation] = []
            for try await part in group { all.append(part) }
            return all
        }
        var total = Evaluation(mode: configs[0].mode)
        for p in parts {
            total.keywordTrials += p.keywordTrials
            total.keywordCorrect += p.keywordCorrect
            total.substitutions += p.substitutions
            total.negativeTrials += p.negativeTrials
            total.falseAccepts += p.falseAccepts
            total.audioSamples += p.audioSamples
            total.misses += p.misses
            total.accepts += p.accepts
        }
        return total
    }

    static func evaluate(_ set: [Utterance], configuration: RecognizerConfiguration, lexicon: Lexicon) throws -> Evaluation {
        let recognizer = try KeywordRecognizer(configuration: configuration, lexicon: lexicon)
        let menuWords = Set(configuration.keywords.map(\.phrase))
        var e = Evaluation(mode: configuration.mode)
        for u in set {
            let match = try recognize(u.samples16k, with: recognizer)
            if ProcessInfo.processInfo.environment["MARGINS"] != nil {
                // One line per trial for Tests/SpeechTests/fit_confidence.py.
                let positive = u.keyword.map { menuWords.contains($0) } ?? false
                let hit = recognizer.lastHypothesis != nil && recognizer.lastHypothesis == u.keyword
                print("MARGIN", positive ? "pos" : "neg", hit ? 1 : 0, recognizer.lastMargin ?? .nan,
                      recognizer.lastSegmentMargin ?? .nan, u.name)
            }
            e.audioSamples += u.samples16k.count
            if let k = u.keyword, menuWords.contains(k) {
                e.keywordTrials += 1
                if match?.word == k {
                    e.keywordCorrect += 1
                } else {
                    if match != nil { e.substitutions += 1 }
                    e.misses.append("\(u.name)→\(match?.word ?? "nil")")
                }
            } else {
                e.negativeTrials += 1
                if let match {
                    e.falseAccepts += 1
                    e.accepts.append("\(u.name)→\(match.word) \(match.confidence)")
                }
            }
        }
        return e
    }

    /// Feeds 20 ms frames, then ends the utterance; the first match wins.
    static func recognize(_ samples: [Int16], with recognizer: KeywordRecognizer) throws -> KeywordMatch? {
        var found: KeywordMatch?
        var i = 0
        while i < samples.count {
            let frame = Array(samples[i..<min(i + 320, samples.count)])
            if let m = try recognizer.process(frame), found == nil { found = m }
            i += 320
        }
        let last = try recognizer.endUtterance()
        return found ?? last
    }
}
