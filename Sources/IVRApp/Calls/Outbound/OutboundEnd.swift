import Foundation

/// How a call we placed ended before its flow ran (or why it was never placed).
public enum OutboundEnd: Sendable, Equatable {
    /// Our gate refused: a limit, the unanswered guard, no permission.
    case refused(OutboundRefusal)
    /// Not placed for a reason of ours (the call limit, the drain, no media).
    case notPlaced(String)
    /// WhatsApp refused `connect` or the permission request.
    case failed(OutboundFailure)
    /// The user rejected the permission request.
    case permissionDenied
    /// No reply to the permission request within the wait.
    case permissionTimeout(Duration)
    /// The user declined the call (status REJECTED).
    case declined
    /// Nobody answered within the ring timeout; we `terminate`.
    case noAnswer(Duration)
    /// WhatsApp's SDP answer could not be used; we `terminate`.
    case answerRefused(String)

    public var code: String {
        switch self {
        case let .refused(r): return r.code
        case .notPlaced: return "not_placed"
        case let .failed(f): return f.code
        case .permissionDenied: return "permission_denied"
        case .permissionTimeout: return "permission_timeout"
        case .declined: return "declined"
        case .noAnswer: return "no_answer"
        case .answerRefused: return "answer_refused"
        }
    }

    public var detail: String {
        switch self {
        case let .refused(r): return "not placed: \(r)"
        case let .notPlaced(why): return "not placed: \(why)"
        case let .failed(f): return "whatsapp refused: \(f)"
        case .permissionDenied: return "the user rejected the call permission request"
        case let .permissionTimeout(d): return "no reply to the call permission request within \(d)"
        case .declined: return "the user declined the call (REJECTED)"
        case let .noAnswer(d): return "no answer within \(d); terminated"
        case let .answerRefused(why): return "whatsapp's SDP answer refused: \(why)"
        }
    }

    /// The call is up at WhatsApp (it rang, or was answered): `terminate` must follow.
    var sendsTerminate: Bool {
        switch self {
        case .noAnswer, .answerRefused: return true
        default: return false
        }
    }

    /// The Graph error code for the row's `error_codes`.
    var errorCode: String? {
        if case let .failed(f) = self { return f.graphCode.map(String.init) ?? f.code }
        return nil
    }
}
