import SRTP

/// What the endpoint reports to its owner, drained with `pollEvent()`.
public enum DTLSEvent: Sendable, Equatable {
    /// The handshake finished, the peer's certificate matched its SDP fingerprint, and the SRTP keys are ready.
    case connected(SRTPKeyingMaterial)
    /// The handshake failed, the peer's certificate did not match, or a fatal alert arrived.
    case failed(reason: String)
    /// The peer sent close_notify.
    case closed
}
