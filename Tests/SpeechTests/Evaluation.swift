import Foundation
import Speech

/// One utterance heard by one example menu: what the closed grammar decoded (before any rejection)
/// and the two per-frame margins the confidence is computed from.
struct Trial: Sendable {
    var menu: String
    var utterance: Int
    /// The utterance says one of this menu's keywords.
    var positive: Bool
    var expected: String?
    var hypothesis: String?
    /// The decoded keyword leads to the option of the keyword said ("i need help" heard as
    /// "support" reaches the support step all the same).
    var hit: Bool
    var margin: Double
    var segmentMargin: Double
    var engine: String
    var condition: String


    /// Something was decoded and scored (margins are nan otherwise).
    var scored: Bool { hypothesis != nil && margin.isFinite && segmentMargin.isFinite }
}

enum Trials {
    /// Runs each example menu's recognizer over every utterance (menus in parallel): the menu's own
    /// keywords are positives; other speech, noise and the other menu's keywords are negatives.
    static func collect(_ set: [Utterance], lexicon: Lexicon) async throws -> [Trial] {
        try await withThrowingTaskGroup(of: [Trial].self) { group in
            for menu in exampleMenus {
                group.addTask {
                    var configuration = RecognizerConfiguration(words: menu.options.flatMap { $0 })
                    configuration.defaultConfidence = 0
                    return try run(set, menu: menu.name, options: menu.options, configuration: configuration, lexicon: lexicon)
                }
            }
            var all: [Trial] = []
            for try await part in group { all += part }
            return all
        }
    }

    static func run(_ set: [Utterance], menu: String, options: [[String]], configuration: RecognizerConfiguration,
                    lexicon: Lexicon) throws -> [Trial] {
        func option(_ word: String?) -> Int? { word.flatMap { w in options.firstIndex { $0.contains(w) } } }
        let recognizer = try KeywordRecognizer(configuration: configuration, lexicon: lexicon)
        let words = Set(configuration.keywords.map(\.phrase))
        var out: [Trial] = []
        for (i, u) in set.enumerated() {
            _ = try recognize(u.samples16k, with: recognizer)
            let positive = u.keyword.map { words.contains($0) } ?? false
            let hypothesis = recognizer.lastHypothesis
            out.append(Trial(menu: menu, utterance: i, positive: positive, expected: u.keyword, hypothesis: hypothesis,
                             hit: positive && hypothesis != nil && option(hypothesis) == option(u.keyword),
                             margin: recognizer.lastMargin ?? .nan, segmentMargin: recognizer.lastSegmentMargin ?? .nan,
                             engine: u.engine, condition: u.condition))
        }
        return out
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
