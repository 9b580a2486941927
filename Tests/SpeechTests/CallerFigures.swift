import Foundation

/// What callers experience, counted over trials with a confirmation band on the confidence:
/// a sure word takes its option, a middling one is asked about ("Did you say sales?"), a doubtful
/// one is no match. The caller answers the question truthfully (yes when it is what they said, no
/// otherwise), and the answer counts as the question heard it: an unheard yes is a re-prompt, and a
/// no heard as yes takes the wrong option (counted as wrong: the caller did not confirm it).
struct CallerFigures: Sendable {
    var positives = 0
    /// The intended option reached, at once or after one confirmation.
    var correct = 0
    /// … of which after a confirmation.
    var confirmed = 0
    /// A positive that reached another option without the caller's yes.
    var wrongPositive = 0
    /// A positive re-prompted (nothing decoded, a doubtful word, or the wrong word asked about and denied).
    var reprompted = 0
    var negatives = 0
    /// Out-of-menu speech or noise that reached an option without the caller's yes.
    var wrongNegative = 0
    /// Out-of-menu speech or noise asked about (the caller says no: a re-prompt).
    var askedNegative = 0
    /// Wrong options reached because the caller's no was heard as yes (counted in the wrong ones).
    var wrongConfirmed = 0
    /// Single-shot, as in issue 6: accepted with no question at the point of 5 % false accepts.
    var singleShotCorrect = 0
    var singleShotFalse = 0

    /// `yes` and `no`: what the question would hear if the caller answered it yes or no.
    mutating func add(_ t: Trial, confidence: Double?, confirmAbove: Double, acceptAbove: Double, singleShotAbove: Double,
                      yes: Heard = .yes, no: Heard = .no) {
        let c = confidence ?? -1
        if t.positive {
            positives += 1
            if c >= singleShotAbove, t.hit { singleShotCorrect += 1 }
            if c >= acceptAbove {
                if t.hit { correct += 1 } else { wrongPositive += 1 }
            } else if c >= confirmAbove, t.hit, yes == .yes {
                correct += 1
                confirmed += 1
            } else if c >= confirmAbove, !t.hit, no == .yes {
                wrongPositive += 1
                wrongConfirmed += 1
            } else {
                reprompted += 1
            }
        } else {
            negatives += 1
            if c >= singleShotAbove { singleShotFalse += 1 }
            if c >= acceptAbove {
                wrongNegative += 1
            } else if c >= confirmAbove {
                askedNegative += 1
                if no == .yes {
                    wrongNegative += 1
                    wrongConfirmed += 1
                }
            }
        }
    }

    static func + (a: CallerFigures, b: CallerFigures) -> CallerFigures {
        var s = a
        s.positives += b.positives; s.correct += b.correct; s.confirmed += b.confirmed
        s.wrongPositive += b.wrongPositive; s.reprompted += b.reprompted; s.negatives += b.negatives
        s.wrongNegative += b.wrongNegative; s.askedNegative += b.askedNegative; s.wrongConfirmed += b.wrongConfirmed
        s.singleShotCorrect += b.singleShotCorrect; s.singleShotFalse += b.singleShotFalse
        return s
    }

    static func rate(_ n: Int, _ d: Int) -> Double { d == 0 ? 0 : Double(n) / Double(d) }
    var correctRate: Double { Self.rate(correct, positives) }
    var confirmedRate: Double { Self.rate(confirmed, positives) }
    /// Wrong options reached without the caller's yes (taken at once, or a no heard as yes), over
    /// every trial (keywords and other speech).
    var wrongRate: Double { Self.rate(wrongPositive + wrongNegative, positives + negatives) }
    var repromptRate: Double { Self.rate(reprompted, positives) }
    var askedNegativeRate: Double { Self.rate(askedNegative, negatives) }
    var singleShotAccuracy: Double { Self.rate(singleShotCorrect, positives) }
    var singleShotFalseAccepts: Double { Self.rate(singleShotFalse, negatives) }

    static let header = "| condition | trials | correct branch (≤ 1 confirmation) | of which confirmed | wrong branch, not confirmed by the caller | of which a no heard as yes | re-prompted | other speech asked about | single-shot accuracy | single-shot false accepts |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"

    func row(_ name: String) -> String {
        func p(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
        return "| \(name) | \(positives + negatives) | \(p(correctRate)) | \(p(confirmedRate)) | \(p(wrongRate)) | \(p(Self.rate(wrongConfirmed, positives + negatives))) | \(p(repromptRate)) | \(p(askedNegativeRate)) | \(p(singleShotAccuracy)) | \(p(singleShotFalseAccepts)) |"
    }
}
