/// Where an endpoint is in its life.
public enum DTLSState: Sendable, Equatable {
    /// Created; `start(now:)` not yet called and nothing received.
    case idle
    /// Handshake flights in progress.
    case handshaking
    /// Handshake done, peer verified, keys exported.
    case connected
    /// The handshake or the peer check failed; the endpoint does nothing more.
    case failed
    /// `close()` was called or the peer sent close_notify.
    case closed
}
