/// Which side of the DTLS handshake we play: `client` for SDP `a=setup:active` (sends the ClientHello),
/// `server` for `a=setup:passive`.
public enum DTLSRole: Sendable, Equatable {
    case client
    case server
}
