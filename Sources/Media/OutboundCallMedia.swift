import Logging

/// A call we place, before WhatsApp answers: our SDP offer and the socket it names. The answer
/// (from the `connect` webhook) starts the session; a call never answered just closes the socket.
public protocol PendingCallMedia: Sendable {
    /// Our SDP offer; the `connect` action carries exactly this text.
    var offerSDP: String { get }
    /// Reads the answer against our offer and starts the media session on the offer's socket: ICE
    /// controlling, the DTLS role the answer's `a=setup` decides. Throws a precise refusal (an `SDPError`
    /// for an answer that does not fit, no candidate our address can reach); the socket then stays open
    /// until `close()`. The channel's `answerSDP` is our offer.
    func apply(answer: String, logger: Logger) async throws -> any CallMediaChannel
    /// Closes the socket of a call that was never answered (or whose answer was refused).
    func close() async
}

/// Places calls: opens a socket and builds our offer.
public protocol CallMediaOffering: Sendable {
    func offer(callID: String, logger: Logger) async throws -> any PendingCallMedia
}
