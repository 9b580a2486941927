import Logging
import WhatsApp

/// What a call handler did with an incoming call.
public enum CallHandling: Equatable, Sendable {
    /// The handler answered (pre_accept, media, accept) and owns the call until it ends.
    case answered
    /// The handler cannot answer; the server rejects the call with this reason.
    case cannotAnswer(reason: String)
}

/// Answers calls: the media core implements this (SDP answer, ICE/DTLS, pre_accept/accept, the flow).
public protocol CallHandler: Sendable {
    func handle(_ call: CallConnect, route: FlowRoute, logger: Logger) async -> CallHandling
    /// WhatsApp reported the call's end; stop any media still running for it.
    func terminated(_ event: CallTerminate, logger: Logger) async
}

/// The handler used until a media core is installed: it answers nothing, so every call is
/// rejected with a clear reason rather than left ringing.
public struct UnavailableCallHandler: CallHandler {
    public let reason: String

    public init(reason: String = "no media handler is installed in this build; the call cannot be answered") {
        self.reason = reason
    }

    public func handle(_ call: CallConnect, route: FlowRoute, logger: Logger) async -> CallHandling {
        .cannotAnswer(reason: reason)
    }

    public func terminated(_ event: CallTerminate, logger: Logger) async {}
}
