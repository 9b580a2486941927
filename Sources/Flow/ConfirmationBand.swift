/// How a menu treats a spoken keyword by the recognizer's confidence (`confirm:`, `accept_above:`,
/// `confirm_above:` on the menu). Keys are never confirmed.
///
/// - `auto`: at or above `acceptAbove` the option is taken; from `confirmAbove` up to it the engine asks
///   "Did you say …?"; below `confirmAbove` the word counts as no match (re-prompt).
/// - `always`: every keyword at or above `confirmAbove` is confirmed first.
/// - `never`: no question: a keyword at or above `acceptAbove` is taken, anything lower is no match.
struct ConfirmationBand: Sendable, Equatable {
    enum Mode: String, Sendable, CaseIterable {
        case auto, always, never
    }

    enum Decision: Equatable {
        case accept, confirm, reject
    }

    /// The defaults the recognizer's confidence is fitted to (Tests/SpeechTests/AccuracyTests, figures
    /// in Flows/README.md): from 0.8 a wrong option is rare enough (0.5 % of trials on the engines
    /// fitted) to take it outright; under 0.5 fewer than a quarter of out-of-menu utterances remain.
    static let defaultAcceptAbove = 0.8
    static let defaultConfirmAbove = 0.5

    /// The words a confirmation listens for, and the keys that answer it.
    static let yesWords = ["yes"]
    static let noWords = ["no"]
    static let yesKey: Character = "1"
    static let noKey: Character = "2"

    var mode: Mode = .auto
    var acceptAbove = ConfirmationBand.defaultAcceptAbove
    var confirmAbove = ConfirmationBand.defaultConfirmAbove

    func decide(_ confidence: Double) -> Decision {
        switch mode {
        case .never:
            return confidence >= acceptAbove ? .accept : .reject
        case .always:
            return confidence >= confirmAbove ? .confirm : .reject
        case .auto:
            if confidence >= acceptAbove { return .accept }
            return confidence >= confirmAbove ? .confirm : .reject
        }
    }

    /// How the graph shows it: `words: take ≥ 0.8, ask "did you say…?" ≥ 0.5`.
    var summary: String {
        let accept = FlowValue.format(acceptAbove), ask = FlowValue.format(confirmAbove)
        switch mode {
        case .auto: return "words: take ≥ \(accept), ask \"did you say…?\" ≥ \(ask)"
        case .always: return "words: ask \"did you say…?\" ≥ \(ask)"
        case .never: return "words: take ≥ \(accept), never ask"
        }
    }

    /// The lowest confidence this menu acts on (below it a keyword is no match).
    var floor: Double { mode == .never ? acceptAbove : confirmAbove }
}
