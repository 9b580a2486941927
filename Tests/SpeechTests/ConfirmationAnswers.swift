@testable import Flow
import Foundation
import Speech

/// The caller's answer to "Did you say sales?", as the menu hears it: the question listens for
/// `ConfirmationBand.yesWords` and `noWords` (its own recognizer), and acts on a word at or above
/// the band's `confirm_above`; anything else is no answer (the question times out: no input).
enum Heard: Equatable {
    case yes, no, nothing
}

enum ConfirmationAnswers {
    /// What callers say to the question in the set: three ways each of yes and no.
    static let yesTexts = ["yes", "yeah", "yes please"]
    static let noTexts = ["no", "nope", "no thanks"]

    /// The set's utterances as the question hears them: yes and no answers are its positives
    /// (keyword "yes" or "no"), out-of-menu speech, coughs and noise its negatives. Menu keywords
    /// other than yes and no are left out (nobody answers the question with "sales").
    static func answerSet(_ set: [Utterance]) -> [Utterance] {
        set.compactMap { u in
            var a = u
            if yesTexts.contains(u.text) { a.keyword = "yes"; return a }
            if noTexts.contains(u.text) { a.keyword = "no"; return a }
            guard ["other", "cough", "noise"].contains(u.kind) else { return nil }
            a.keyword = nil
            return a
        }
    }

    /// The question's recognizer over the answers (one trial per utterance of `answers`).
    static func collect(_ answers: [Utterance], lexicon: Lexicon) throws -> [Trial] {
        let words = ConfirmationBand.yesWords + ConfirmationBand.noWords
        var configuration = RecognizerConfiguration(words: words)
        configuration.defaultConfidence = 0
        return try Trials.run(answers, menu: "confirmation", options: [ConfirmationBand.yesWords, ConfirmationBand.noWords],
                              configuration: configuration, lexicon: lexicon)
    }

    /// What the question made of one answer, with the confidence model of the held-out engine.
    static func heard(_ t: Trial, model: ConfidenceModel, band: ConfirmationBand = ConfirmationBand()) -> Heard {
        guard let word = t.hypothesis, let c = model.confidence(t), c >= band.confirmAbove else { return .nothing }
        if ConfirmationBand.yesWords.contains(word) { return .yes }
        if ConfirmationBand.noWords.contains(word) { return .no }
        return .nothing
    }

    /// A truthful caller's answers, by who says them: for each engine, voice, speed and condition,
    /// the trials of the yes answers and of the no answers (the caller answers in their own voice).
    struct Pool {
        var yes: [String: [Trial]] = [:]
        var no: [String: [Trial]] = [:]

        init(_ trials: [Trial], answers: [Utterance]) {
            for t in trials {
                let u = answers[t.utterance]
                switch u.keyword {
                case "yes": yes[Self.speaker(u), default: []].append(t)
                case "no": no[Self.speaker(u), default: []].append(t)
                default: break
                }
            }
        }

        static func speaker(_ u: Utterance) -> String { [u.engine, u.voice, u.speed, u.condition].joined(separator: "|") }

        /// The `n`th yes (or no) of the speaker of `u`, round robin over the three ways of saying it.
        func answer(_ yes: Bool, by u: Utterance, _ n: Int) -> Trial? {
            guard let list = (yes ? self.yes : self.no)[Self.speaker(u)], !list.isEmpty else { return nil }
            return list[n % list.count]
        }
    }
}

/// How the question heard the answers, per condition.
struct AnswerFigures: Sendable {
    var yesSaid = 0, yesHeard = 0, yesHeardNo = 0
    var noSaid = 0, noHeard = 0, noHeardYes = 0
    var otherSaid = 0, otherHeardYes = 0, otherHeardNo = 0

    mutating func add(said: String?, heard: Heard) {
        switch said {
        case "yes"?:
            yesSaid += 1
            if heard == .yes { yesHeard += 1 } else if heard == .no { yesHeardNo += 1 }
        case "no"?:
            noSaid += 1
            if heard == .no { noHeard += 1 } else if heard == .yes { noHeardYes += 1 }
        default:
            otherSaid += 1
            if heard == .yes { otherHeardYes += 1 } else if heard == .no { otherHeardNo += 1 }
        }
    }

    static func + (a: AnswerFigures, b: AnswerFigures) -> AnswerFigures {
        var s = a
        s.yesSaid += b.yesSaid; s.yesHeard += b.yesHeard; s.yesHeardNo += b.yesHeardNo
        s.noSaid += b.noSaid; s.noHeard += b.noHeard; s.noHeardYes += b.noHeardYes
        s.otherSaid += b.otherSaid; s.otherHeardYes += b.otherHeardYes; s.otherHeardNo += b.otherHeardNo
        return s
    }

    var yesRate: Double { CallerFigures.rate(yesHeard, yesSaid) }
    var noRate: Double { CallerFigures.rate(noHeard, noSaid) }
    var noAsYesRate: Double { CallerFigures.rate(noHeardYes, noSaid) }
    var otherAsYesRate: Double { CallerFigures.rate(otherHeardYes, otherSaid) }

    static let header = "| condition | yes answers | yes heard | heard as no | no answers | no heard | heard as yes | other speech | taken for yes | taken for no |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"

    func row(_ name: String) -> String {
        func p(_ n: Int, _ d: Int) -> String { String(format: "%.1f %%", CallerFigures.rate(n, d) * 100) }
        return "| \(name) | \(yesSaid) | \(p(yesHeard, yesSaid)) | \(p(yesHeardNo, yesSaid)) | \(noSaid) | \(p(noHeard, noSaid)) | "
            + "\(p(noHeardYes, noSaid)) | \(otherSaid) | \(p(otherHeardYes, otherSaid)) | \(p(otherHeardNo, otherSaid)) |"
    }
}
