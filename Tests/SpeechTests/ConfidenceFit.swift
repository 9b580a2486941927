import Foundation

/// The grammar mode's confidence, fitted from trials: a logistic regression for "the decoded keyword
/// is the one said" on the two margins, then scaled so that the menu's confirmation band means what
/// it says on the trials fitted:
/// - confidence 0.5 (`confirm_above`) is the point where 25 % of out-of-menu utterances are asked
///   about (a question costs the caller a "no"; a missed keyword costs a whole re-prompt);
/// - confidence 0.8 (`accept_above`) is the point where wrong options reached without a question
///   stay at or under 0.5 % of all trials (half the 1 % target, for the unseen engine's sake).
struct ConfidenceModel: Sendable, CustomStringConvertible {
    var marginWeight: Double
    var segmentMarginWeight: Double
    var bias: Double
    /// The confidence at which 5 % of out-of-menu utterances pass, on the trials fitted: the
    /// single-shot operating point (no question) of issue 6's figures.
    var singleShotAbove = 0.5

    static let askBudget = 0.25
    static let falseAcceptBudget = 0.05
    static let wrongBranchBudget = 0.005

    func confidence(_ t: Trial) -> Double? {
        guard t.scored else { return nil }
        return 1 / (1 + exp(-(marginWeight * t.margin + segmentMarginWeight * t.segmentMargin + bias)))
    }

    var description: String {
        String(format: "marginWeight: %.5f, segmentMarginWeight: %.5f, confidenceBias: %.5f (single shot at 5 %% false accepts: %.3f)",
               marginWeight, segmentMarginWeight, bias, singleShotAbove)
    }

    static func fit(_ trials: [Trial], confirmAbove: Double, acceptAbove: Double) -> ConfidenceModel {
        let scored = trials.filter(\.scored)
        let (w0, w1, b) = logistic(scored.map { [$0.margin, $0.segmentMargin] }, scored.map { $0.hit ? 1 : 0 })
        func score(_ t: Trial) -> Double { w0 * t.margin + w1 * t.segmentMargin + b }
        let negatives = trials.filter { !$0.positive }.count
        let negativeScores = scored.filter { !$0.positive }.map(score).sorted(by: >)
        let wrongScores = scored.filter { !$0.hit }.map(score).sorted(by: >)
        func threshold(_ sorted: [Double], budget: Double, of count: Int) -> Double {
            let allowed = Int(budget * Double(count))
            return (allowed < sorted.count ? sorted[allowed] : -1e9) + 1e-9
        }
        let confirmScore = threshold(negativeScores, budget: askBudget, of: negatives)
        let singleShotScore = threshold(negativeScores, budget: falseAcceptBudget, of: negatives)
        var acceptScore = threshold(wrongScores, budget: wrongBranchBudget, of: trials.count)
        if acceptScore < confirmScore + 1e-6 { acceptScore = confirmScore + 1e-6 }
        // logit(confidence) = k·(score − confirmScore) + logit(confirmAbove), reaching logit(acceptAbove) at acceptScore.
        let logitConfirm = log(confirmAbove / (1 - confirmAbove)), logitAccept = log(acceptAbove / (1 - acceptAbove))
        let k = (logitAccept - logitConfirm) / (acceptScore - confirmScore)
        let singleShotLogit = k * (singleShotScore - confirmScore) + logitConfirm
        return ConfidenceModel(marginWeight: k * w0, segmentMarginWeight: k * w1,
                               bias: k * (b - confirmScore) + logitConfirm, singleShotAbove: 1 / (1 + exp(-singleShotLogit)))
    }

    /// Gradient descent on standardized features, with a little L2; returns weights for the raw features.
    static func logistic(_ x: [[Double]], _ y: [Double], steps: Int = 3000, rate: Double = 0.1, l2: Double = 0.01) -> (Double, Double, Double) {
        guard !x.isEmpty else { return (0, 0, 0) }
        let n = Double(x.count)
        var mu = [0.0, 0.0], sd = [0.0, 0.0]
        for j in 0..<2 {
            mu[j] = x.reduce(0) { $0 + $1[j] } / n
            sd[j] = (x.reduce(0) { $0 + ($1[j] - mu[j]) * ($1[j] - mu[j]) } / n).squareRoot() + 1e-9
        }
        let z = x.map { [($0[0] - mu[0]) / sd[0], ($0[1] - mu[1]) / sd[1]] }
        var w = [0.0, 0.0], b = 0.0
        for _ in 0..<steps {
            var g0 = 0.0, g1 = 0.0, gb = 0.0
            for (zi, yi) in zip(z, y) {
                let p = 1 / (1 + exp(-(w[0] * zi[0] + w[1] * zi[1] + b)))
                let e = p - yi
                g0 += e * zi[0]
                g1 += e * zi[1]
                gb += e
            }
            w[0] -= rate * (g0 / n + l2 * w[0])
            w[1] -= rate * (g1 / n + l2 * w[1])
            b -= rate * gb / n
        }
        let w0 = w[0] / sd[0], w1 = w[1] / sd[1]
        return (w0, w1, b - w[0] * mu[0] / sd[0] - w[1] * mu[1] / sd[1])
    }
}
