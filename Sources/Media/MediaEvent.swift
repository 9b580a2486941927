import Wire

/// What a call's media session reports to the rest of the server.
public enum MediaEvent: Sendable, Equatable {
    /// ICE and DTLS completed; SRTP keys are installed and media can flow.
    case connected(remote: TransportAddress, srtpProfile: String)
    /// An Opus payload from the caller (after SRTP and RTP parsing).
    case audio(payload: [UInt8], rtpTimestamp: UInt32, sequence: UInt16, marker: Bool)
    /// An RFC 4733 telephone-event payload (raw), with its RTP timestamp.
    case telephoneEvent(payload: [UInt8], rtpTimestamp: UInt32, sequence: UInt16, marker: Bool)
    /// The last frame of a tagged play was sent (or the play was cut short by `stopPlayback`).
    case playbackFinished(tag: Int, interrupted: Bool)
    /// The caller's RTCP BYE (the call itself ends with WhatsApp's terminate webhook).
    case remoteBye(reason: String?)
    /// The session ended; `reason` says why (ICE failure, consent lost, DTLS failure, peer closed, hang-up).
    case closed(reason: MediaCloseReason)
}

/// A datagram to send.
public struct Transmit: Sendable, Equatable {
    public var bytes: [UInt8]
    public var destination: TransportAddress

    public init(bytes: [UInt8], destination: TransportAddress) {
        self.bytes = bytes
        self.destination = destination
    }
}

/// The sans-IO contract between a media session and the IO edge: bytes and time in,
/// datagrams, events and the next wake-up out. The edge never looks inside.
public protocol DatagramSession: AnyObject {
    func handleDatagram(_ bytes: [UInt8], from source: TransportAddress, now: Instant)
    func handleTimeout(now: Instant)
    func pollTransmit() -> Transmit?
    func pollEvent() -> MediaEvent?
    func nextDeadline() -> Instant?
    /// Whether ICE validated `address` as this session's peer (a succeeded or peer-nominated pair):
    /// a shared socket then routes everything from it to this session.
    func isValidatedRemote(_ address: TransportAddress) -> Bool
}
