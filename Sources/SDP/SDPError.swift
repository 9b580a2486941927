/// Everything that can go wrong when parsing an SDP document, negotiating an offer or building an answer.
///
/// Syntax cases carry the 1-based line number, the line's text, what was expected there and what was found.
/// Semantic cases (refusals of an offer) name the offending m-line by its line number when it came from text.
public enum SDPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A line that does not have the expected shape.
    /// `found` is the offending token; an empty `found` means the token was missing.
    case syntax(line: Int, text: String, expected: String, found: String)
    /// The document ended where another line was required.
    case unexpectedEnd(line: Int, expected: String)
    /// The offer has no audio m-line; `offered` lists the media kinds it has.
    case noAudio(offered: [String])
    /// The offer's audio m-line has port 0 (the offerer rejected it).
    case audioRejected(line: Int?)
    /// The audio m-line has no `opus/48000/2` payload type; `offered` lists "PT encoding/clock[/channels]".
    case noOpus(offered: [String])
    /// The audio m-line is not DTLS-SRTP (wrong proto, or no fingerprint anywhere).
    case notDTLSSRTP(line: Int?, reason: String)
    /// No fingerprint uses sha-256; `found` lists the algorithms that were offered.
    case unsupportedFingerprint(line: Int?, found: [String])
    /// A fingerprint whose digest length does not fit its algorithm.
    case fingerprintLength(line: Int?, algorithm: String, expected: Int, found: Int)
    /// `a=ice-ufrag` or `a=ice-pwd` is missing at both media and session level.
    case missingICECredential(line: Int?, attribute: String)
    /// The offer's `a=setup` leaves us no DTLS client role (we only answer `active`).
    case unsupportedSetup(line: Int?, found: String)
    /// One of our own answer parameters is unusable.
    case invalidParameter(field: String, expected: String, found: String)
    /// An answer to our offer chose no DTLS role (`actpass`, `holdconn`): RFC 8842 §5.3 requires active or passive.
    case answerSetup(line: Int?, found: String)
    /// An answer to our offer does not fit it: another mid, a codec we did not offer, no audio accepted.
    case answerMismatch(line: Int?, reason: String)

    public var description: String {
        switch self {
        case let .syntax(line, text, expected, found):
            let what = found.isEmpty ? "nothing" : "'\(found)'"
            return "line \(line): '\(text)': expected \(expected), found \(what)"
        case let .unexpectedEnd(line, expected):
            return "line \(line): expected \(expected), found end of input"
        case let .noAudio(offered):
            let list = offered.isEmpty ? "none" : offered.joined(separator: ", ")
            return "the offer has no audio m-line; offered: \(list)"
        case let .audioRejected(line):
            return "\(Self.audioLine(line)) has port 0: the offerer rejected the audio"
        case let .noOpus(offered):
            let list = offered.isEmpty ? "none" : offered.joined(separator: ", ")
            return "the offer has no opus/48000/2 payload type; offered: \(list)"
        case let .notDTLSSRTP(line, reason):
            return "\(Self.audioLine(line)) is not DTLS-SRTP: \(reason)"
        case let .unsupportedFingerprint(line, found):
            return "\(Self.audioLine(line)) has no sha-256 fingerprint; found: \(found.joined(separator: ", ")); "
                + "only sha-256 is accepted"
        case let .fingerprintLength(line, algorithm, expected, found):
            return "\(Self.audioLine(line)) has a \(algorithm) fingerprint of \(found) bytes, expected \(expected)"
        case let .missingICECredential(line, attribute):
            return "\(Self.audioLine(line)) has no a=\(attribute) at media or session level"
        case let .unsupportedSetup(line, found):
            return "\(Self.audioLine(line)) has a=setup:\(found); expected actpass or passive "
                + "(we are always the DTLS client, setup:active)"
        case let .invalidParameter(field, expected, found):
            return "answer parameter '\(field)': expected \(expected), found '\(found)'"
        case let .answerSetup(line, found):
            let at = line.map { " (line \($0))" } ?? ""
            return "the answer's audio m-line\(at) has a=setup:\(found); expected active or passive (RFC 8842 §5.3)"
        case let .answerMismatch(line, reason):
            let at = line.map { " (line \($0))" } ?? ""
            return "the answer's audio m-line\(at) does not fit our offer: \(reason)"
        }
    }

    private static func audioLine(_ line: Int?) -> String {
        guard let line else { return "the offer's audio m-line" }
        return "the offer's audio m-line (line \(line))"
    }
}

/// A field-level syntax failure, before the parser attaches the line number and text.
struct FieldError: Error, Equatable {
    var expected: String
    var found: String

    init(_ expected: String, found: some StringProtocol) {
        self.expected = expected
        self.found = String(found)
    }
}
