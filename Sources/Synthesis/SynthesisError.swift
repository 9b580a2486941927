/// Errors of text-to-speech rendering.
public enum SynthesisError: Error, Equatable, CustomStringConvertible {
    /// The voice is not one the engine has.
    case unknownVoice(voice: String, known: [String])
    /// The engine speaks only these languages.
    case unsupportedLanguage(language: String, voice: String, supported: [String])
    /// The text is empty after trimming, or longer than the limit.
    case badText(length: Int, limit: Int)
    /// The engine could not start (its data missing).
    case engineUnavailable(reason: String)
    /// The engine returned no audio.
    case renderFailed(voice: String, text: String)

    public var description: String {
        switch self {
        case let .unknownVoice(voice, known):
            return "unknown voice '\(voice)'; expected one of: \(known.joined(separator: ", "))"
        case let .unsupportedLanguage(language, voice, supported):
            return "voice '\(voice)' does not speak '\(language)'; expected one of: \(supported.joined(separator: ", "))"
        case let .badText(length, limit):
            return length == 0 ? "text to speak is empty" : "text to speak is \(length) characters; expected at most \(limit)"
        case let .engineUnavailable(reason):
            return reason
        case let .renderFailed(voice, text):
            return "voice '\(voice)' rendered no audio for '\(text.prefix(60))'"
        }
    }
}
