import Logging

/// One call's media as the rest of the server sees it: the SDP answer to send, the events,
/// and the few things a call does with media. Implemented at the IO edge (MediaTransport).
public protocol CallMediaChannel: Sendable {
    /// The SDP answer; `pre_accept` and `accept` must carry exactly this text.
    var answerSDP: String { get }
    /// `connected`, caller audio, telephone events, and finally `closed(reason)`.
    var events: AsyncStream<MediaEvent> { get }
    /// The offer's Opus fmtp parameters (`maxaveragebitrate`, `useinbandfec`, …), for the encoder.
    var opusFormatParameters: [String: String] { get }
    /// Queues 20 ms Opus frames; they are sent paced at 20 ms. When the queue is empty,
    /// silence frames keep media flowing (WhatsApp ends calls without media). With a `tag`,
    /// `playbackFinished(tag)` reports the end of this play.
    func play(frames: [[UInt8]], tag: Int?)
    /// Drops whatever is queued (barge-in); silence resumes.
    func stopPlayback()
    /// Whether `audio` events are wanted (on at first). Off, the caller's audio is still received,
    /// decrypted and counted, but not handed over: a call in plain playback costs no event traffic.
    func setCallerAudioWanted(_ wanted: Bool)
    /// Packet counts, drops and the pacer's lateness so far.
    func counters() async -> MediaCounters
    /// Ends the session (DTLS close_notify) and closes the socket.
    func close(reason: MediaCloseReason) async
}

/// Answers offers: negotiates, opens the call's socket, builds the answer.
public protocol CallMediaFactory: Sendable {
    /// Throws a precise refusal for offers we cannot serve (no Opus, not DTLS-SRTP, no ports).
    func answer(offer: String, callID: String, logger: Logger) async throws -> any CallMediaChannel
}
