import Flow
import Media
import Store
import WhatsApp

/// Why a call ended, typed from the source: the flow's hang-up, the media's close reason, WhatsApp's
/// terminate, a refusal, the server's drain, or a restart after a crash. `code` is what the store and
/// the `call.outcome` line carry in `end_reason`.
public enum CallEndReason: Sendable, Equatable {
    /// The flow's `hangup` step ended the call.
    case hangup(HangupDisposition)
    /// The flow ended without a hang-up step (it can only do so when told to stop).
    case flowEnded(FlowOutcome.Status)
    /// The media ended under the call: lost consent, a failed handshake, the peer closing.
    case media(MediaCloseReason)
    /// WhatsApp's `terminate` webhook.
    case whatsApp(status: TerminateStatus?)
    /// We refused the call with `reject`; `rejectFailed` says why the reject itself failed, if it did.
    case rejected(reason: String, rejectFailed: String?)
    /// Set-up could not finish (the accept window passed, the flow could not start).
    case setupFailed(String)
    /// The server drained: the call ended in its `on_drain` step (the disposition) or at the drain deadline (nil).
    case shutdown(HangupDisposition?)
    /// Found unfinalized when the server started: it was running when the previous process died.
    case interrupted
    /// Its owning instance stopped heartbeating (it died); a surviving instance finalized the call.
    case instanceLost(instance: String)
    /// The call reached `server.max_call_seconds`, and we ended it.
    case timeLimit(Duration)
    /// A call we placed ended before its flow ran, or was never placed.
    case outbound(OutboundEnd)

    /// The code stored in `calls.end_reason`.
    public var code: String {
        switch self {
        case .hangup, .flowEnded: return "hangup"
        case let .media(reason): return reason.isConsentLoss ? "consent_lost" : "media_failure"
        case .whatsApp: return "terminate"
        case .rejected: return "rejected"
        case .setupFailed: return "setup_failed"
        case .shutdown: return "shutdown"
        case .interrupted: return "interrupted"
        case .instanceLost: return "instance_lost"
        case .timeLimit: return "time_limit"
        case let .outbound(end): return end.code
        }
    }

    public var detail: String {
        switch self {
        case let .hangup(d): return "hangup: \(d)"
        case let .flowEnded(status): return "flow ended: \(status.rawValue)"
        case let .media(reason): return reason.isConsentLoss ? "ICE consent lost: \(reason)" : "media failure: \(reason)"
        case let .whatsApp(status): return "terminate webhook: \(status?.description ?? "no status")"
        case let .rejected(reason, failed):
            return failed.map { "rejected: \(reason); reject failed: \($0)" } ?? "rejected: \(reason)"
        case let .setupFailed(why): return "set-up failed: \(why)"
        case let .shutdown(d): return d.map { "server shutdown: the drain step hung up (\($0))" }
            ?? "server shutdown: drain time over"
        case .interrupted: return "interrupted: the server stopped without finalizing the call"
        case let .instanceLost(id): return "instance_lost: instance \(id) stopped heartbeating; finalized by a survivor"
        case let .timeLimit(limit): return "time_limit: the call reached the longest a call may last (\(limit.components.seconds) s)"
        case let .outbound(end): return end.detail
        }
    }

    /// The call status this ending gives.
    public var status: CallStatus {
        switch self {
        case let .hangup(d): return d.isFailure ? .failed : .completed
        case let .flowEnded(s): return s == .completed ? .completed : .failed
        case .media, .setupFailed, .interrupted, .instanceLost, .timeLimit: return .failed
        case let .whatsApp(status): return status == .completed ? .completed : .failed
        case let .rejected(_, failed): return failed == nil ? .rejected : .failed
        case let .shutdown(d): return d.map { $0.isFailure ? .failed : .completed } ?? .failed
        case .outbound: return .failed
        }
    }

    /// Our side ended a call WhatsApp still has up: the Graph `terminate` action must follow.
    /// (WhatsApp ended it itself, or it was rejected, or it was never answered: nothing to terminate.)
    var sendsTerminate: Bool {
        switch self {
        // A lost instance's call may still be up at WhatsApp (its media went with the instance).
        case .hangup, .flowEnded, .media, .shutdown, .instanceLost, .timeLimit: return true
        case .whatsApp, .rejected, .setupFailed, .interrupted: return false
        case let .outbound(end): return end.sendsTerminate
        }
    }

    /// The error code merged into the row's `error_codes`, if this ending is an error of ours.
    var errorCode: String? {
        switch self {
        case let .media(reason): return reason.isConsentLoss ? "consent_lost" : "media_failure"
        case .setupFailed: return "setup_failed"
        case .timeLimit: return "time_limit"
        case .rejected(_, .some): return "reject_failed"
        case let .outbound(end): return end.errorCode
        default: return nil
        }
    }

    /// The flow language's outcome status for a call that ended before or without its flow's own outcome.
    var flowStatus: FlowOutcome.Status {
        switch self {
        case let .hangup(d): return d.isFailure ? .failed : .completed
        case let .flowEnded(s): return s
        case .media: return .mediaFailed
        case let .whatsApp(status): return status == .completed ? .callerHungUp : .failed
        case .rejected, .setupFailed, .interrupted, .instanceLost, .timeLimit: return .failed
        case .shutdown: return .shutdown
        case .outbound: return .failed
        }
    }
}
