import FuzzSupport
import SDP

/// SDP offer → parse → negotiate the audio m-line → build our answer, as the media engine does for a `connect`.
///
/// Input: the offer text (any bytes, decoded as UTF-8 with replacement). Invariants: a parse error names its
/// line; the answer we build always parses back to the same description and serialises to the same text.
enum SDPFuzz {
    static let parameters = AnswerParameters(
        iceUfrag: "Fz9u", icePwd: "fuzzPassword0123456789+/", fingerprint: Array(0..<32),
        address: "192.0.2.10", port: 40_000, sessionID: 42, sessionVersion: 2, ssrc: 0x0102_0304, cname: "ivr")

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let offer: SessionDescription
        do { offer = try SessionDescription(parsing: text) } catch {
            require(error.description.hasPrefix("line "), "parse error without a line: \(error)")
            return
        }
        _ = offer.serialized()
        guard let negotiation = try? negotiate(offer) else { return }
        let answer: SessionDescription
        do { answer = try AnswerBuilder.answer(to: offer, negotiation: negotiation, parameters: parameters) } catch {
            require(!error.description.isEmpty, "answer error without a message")
            return
        }
        let answerText = answer.serialized()
        do {
            let reparsed = try SessionDescription(parsing: answerText)
            require(reparsed == answer, "our answer does not parse back to itself:\n\(answerText)")
            require(reparsed.serialized() == answerText, "our answer does not serialise to the same text:\n\(answerText)")
        } catch {
            require(false, "our answer does not parse: \(error)\n\(answerText)")
        }
    }
}
