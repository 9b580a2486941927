/// What we take from the answer to our offer (a business-initiated call): the remote ICE, DTLS and
/// RTP parameters, read exactly as an offer's are (`AudioNegotiation`), and our DTLS role, which the
/// answer decides (RFC 8842 §5.3): its `setup:active` makes us the DTLS server, `setup:passive` the
/// client. An answer without `a=setup` is `passive` (RFC 4145 §4, the answerer's default), so we are
/// the client. ICE: we offered, so we are the controlling agent (RFC 8445 §6.1.1), all the more
/// against WhatsApp's ice-lite.
///
/// Refusals, each a precise `SDPError`: everything `AudioNegotiation` refuses in an offer; `actpass` or
/// `holdconn` (`.answerSetup`); an answer whose m-line count, mid or Opus payload type does not fit
/// our offer (`.answerMismatch`).
public struct AnsweredAudio: Sendable, Hashable {
    /// The answer's audio section, read like an offer's.
    public var remote: AudioNegotiation
    /// Whether we are the DTLS client (the answer said `passive` or nothing).
    public var localIsDTLSClient: Bool
    /// We offered: always the controlling ICE agent.
    public let localIsICEControlling = true

    public init(answer: SessionDescription, offer: SessionDescription) throws(SDPError) {
        let remote = try AudioNegotiation(description: answer, isAnswer: true)
        let line = answer.media.indices.contains(remote.mediaIndex) ? answer.media[remote.mediaIndex].lineNumber : nil
        guard answer.media.count == offer.media.count else {
            throw SDPError.answerMismatch(line: line, reason: "\(answer.media.count) m-lines for the \(offer.media.count) offered "
                                          + "(RFC 3264 §6 keeps the count)")
        }
        guard offer.media.indices.contains(remote.mediaIndex) else {
            throw SDPError.answerMismatch(line: line, reason: "no offered section at index \(remote.mediaIndex)")
        }
        let offered = offer.media[remote.mediaIndex]
        if let ours = offered.mid, let theirs = remote.mid, ours != theirs {
            throw SDPError.answerMismatch(line: line, reason: "mid '\(theirs)', we offered '\(ours)'")
        }
        guard offered.formats.contains("\(remote.opus.payloadType)") else {
            throw SDPError.answerMismatch(line: line, reason: "Opus on payload type \(remote.opus.payloadType), "
                                          + "we offered \(offered.formats.joined(separator: " "))")
        }
        self.remote = remote
        localIsDTLSClient = remote.remoteSetup != .active
    }

    /// Parses the answer text and reads it against our offer text.
    public init(answerText: String, offerText: String) throws(SDPError) {
        try self.init(answer: try SessionDescription(parsing: answerText), offer: try SessionDescription(parsing: offerText))
    }
}
