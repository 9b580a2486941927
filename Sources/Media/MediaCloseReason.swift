import ICE

/// Why a call's media session ended. Typed so that the call's owner can tell a lost consent from a
/// failed handshake or from its own hang-up without reading sentences.
public enum MediaCloseReason: Sendable, Equatable, CustomStringConvertible {
    /// ICE failed, or consent freshness (RFC 7675) was lost mid-call.
    case ice(ICEError)
    /// The DTLS handshake failed, the peer's certificate did not match its fingerprint, or a fatal alert
    /// arrived; the text is the DTLS endpoint's reason (OpenSSL's error queue or our check).
    case dtls(reason: String)
    /// The exported keys could not set up SRTP.
    case srtpSetup(reason: String)
    /// ICE or DTLS did not complete within the session's connect timeout.
    case connectTimeout(phase: String, after: Duration)
    /// The peer sent DTLS close_notify.
    case peerClosed
    /// The socket under the session closed (or its event stream ended) without a reason of its own.
    case transportClosed
    /// Our own side closed the media: a hang-up, WhatsApp's terminate, a failed set-up, a shutdown.
    case local(LocalMediaClose)

    /// Consent freshness was lost: the caller's network went away mid-call.
    public var isConsentLoss: Bool {
        if case .ice(.consentLost) = self { return true }
        return false
    }

    /// We closed it ourselves (not a media failure).
    public var isLocal: Bool {
        if case .local = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case let .ice(error): return error.description
        case let .dtls(reason): return "DTLS failed: \(reason)"
        case let .srtpSetup(reason): return "SRTP setup failed: \(reason)"
        case let .connectTimeout(phase, after): return "media not connected within \(after) (\(phase) did not complete)"
        case .peerClosed: return "the peer closed DTLS (close_notify)"
        case .transportClosed: return "media socket closed"
        case let .local(why): return why.description
        }
    }
}

/// Why our side closed a call's media.
public enum LocalMediaClose: Sendable, Equatable, CustomStringConvertible {
    /// The flow hung up (its disposition).
    case hangup(String)
    /// WhatsApp's terminate webhook ended the call.
    case terminatedByWhatsApp
    /// The call could not be set up (pre_accept/accept failed, rejected, accept window passed).
    case setupAbandoned(String)
    /// The server is shutting down.
    case shutdown
    /// A tool (probe, load generator) is done with the session.
    case finished

    public var description: String {
        switch self {
        case let .hangup(d): return "flow hung up: \(d)"
        case .terminatedByWhatsApp: return "terminated by WhatsApp"
        case let .setupAbandoned(why): return "set-up abandoned: \(why)"
        case .shutdown: return "server shutting down"
        case .finished: return "finished"
        }
    }
}
