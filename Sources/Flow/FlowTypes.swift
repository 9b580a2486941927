import Foundation
import Wire

/// Who is calling whom; what expressions read as `call.*`.
public struct CallInfo: Sendable, Equatable {
    public var callID: String
    /// The caller's WhatsApp id (a phone number: never log it in full).
    public var from: String
    /// The business number's `phone_number_id` the call came to.
    public var phoneNumberID: String
    public var callerName: String?
    /// `cta_payload` of the call button the caller tapped, if any.
    public var ctaPayload: String?
    /// The wall-clock time when the call started (the engine's `now` at init): `hours:` steps read the
    /// time of day as this plus the time since. The engine never reads a clock itself.
    public var startedAt: Date?

    public init(callID: String, from: String, phoneNumberID: String, callerName: String? = nil, ctaPayload: String? = nil,
                startedAt: Date? = nil) {
        self.startedAt = startedAt
        self.callID = callID
        self.from = from
        self.phoneNumberID = phoneNumberID
        self.callerName = callerName
        self.ctaPayload = ctaPayload
    }
}

/// What the media side and the HTTP client tell the engine.
public enum FlowEvent: Sendable, Equatable {
    /// The call is connected: the engine enters the start step.
    case started
    /// The last `.play` finished, or stopped after `.stopPlayback`.
    case promptFinished
    case digit(Character)
    case keyword(String, confidence: Double)
    case httpResult(id: String, status: Int, body: [UInt8])
    case httpFailed(id: String, reason: String)
    case recordingFinished(path: String, seconds: Double)
    /// The recording could not be made or was cut short by an error (no directory, disk full): nothing usable
    /// was saved.
    case recordingFailed(reason: String)
    /// The call layer recorded the `.scheduleCall` with this id (or found it recorded already).
    case callScheduled(id: String)
    /// The call layer could not record the `.scheduleCall` with this id.
    case scheduleFailed(id: String, reason: String)
    case callerHungUp
    case mediaFailed(reason: String)
    /// The server is draining: the engine jumps to the flow's `on_drain` step, if it names one.
    case draining
    /// The server ends the call (its drain time is over): the flow stops where it is.
    case shutdown
}

/// How a flow's hang-up ended the call: what `hangup:` wrote, or what the engine decided.
public enum HangupDisposition: Sendable, Equatable, CustomStringConvertible {
    /// `hangup: completed` (or a bare `hangup:`).
    case completed
    /// `hangup: failed`, or no valid input and no `on_failure`.
    case failed
    /// The per-call step budget ran out.
    case stepBudgetExceeded
    /// The media failed under the flow.
    case mediaFailed
    /// Any other disposition the flow wrote (`hangup: transferred`): kept as written.
    case other(String)

    public init(_ written: String) {
        switch written {
        case "completed": self = .completed
        case "failed": self = .failed
        case "step_budget_exceeded": self = .stepBudgetExceeded
        case "media_failed": self = .mediaFailed
        default: self = .other(written)
        }
    }

    /// A disposition that means the call did not go as designed.
    public var isFailure: Bool {
        switch self {
        case .failed, .stepBudgetExceeded, .mediaFailed: return true
        case .completed, .other: return false
        }
    }

    public var description: String {
        switch self {
        case .completed: return "completed"
        case .failed: return "failed"
        case .stepBudgetExceeded: return "step_budget_exceeded"
        case .mediaFailed: return "media_failed"
        case let .other(text): return text
        }
    }
}

/// What the engine asks the media side, the HTTP client and the call to do.
public enum FlowAction: Sendable, Equatable {
    case play(prompts: [String], bargeIn: Bool)
    /// Speak `text` (filled in) with the text-to-speech `voice`; reported like a `.play` with `.promptFinished`.
    case say(text: String, voice: String, language: String, bargeIn: Bool)
    case stopPlayback
    case listen(digits: Bool, keywords: [String], language: String?)
    case stopListening
    case http(HTTPCallOut)
    case record(path: String, maxSeconds: Double, silenceSeconds: Double, finishKey: Character?)
    /// Record a call to place later (`schedule_call`); report `.callScheduled` or `.scheduleFailed` with its id.
    case scheduleCall(ScheduledCallRequest)
    case hangup(HangupDisposition)
    case setVariable(name: String, value: FlowValue)
    /// The caller's answer to a recording's consent announcement (`record: { consent: … }`): record it on the call.
    case recordingConsent(granted: Bool)
    case finished(FlowOutcome)

    public static func == (a: FlowAction, b: FlowAction) -> Bool {
        switch (a, b) {
        case let (.play(p1, b1), .play(p2, b2)): return p1 == p2 && b1 == b2
        case let (.say(t1, v1, l1, b1), .say(t2, v2, l2, b2)): return t1 == t2 && v1 == v2 && l1 == l2 && b1 == b2
        case (.stopPlayback, .stopPlayback), (.stopListening, .stopListening): return true
        case let (.listen(d1, k1, l1), .listen(d2, k2, l2)): return d1 == d2 && k1 == k2 && l1 == l2
        case let (.http(r1), .http(r2)): return r1 == r2
        case let (.record(p1, m1, s1, f1), .record(p2, m2, s2, f2)): return p1 == p2 && m1 == m2 && s1 == s2 && f1 == f2
        case let (.hangup(d1), .hangup(d2)): return d1 == d2
        case let (.scheduleCall(r1), .scheduleCall(r2)): return r1 == r2
        case let (.setVariable(n1, v1), .setVariable(n2, v2)): return n1 == n2 && v1 == v2
        case let (.finished(o1), .finished(o2)): return o1 == o2
        case let (.recordingConsent(g1), .recordingConsent(g2)): return g1 == g2
        default: return false
        }
    }
}

/// How the engine left a step; the call's path records one per step entered.
public enum PathExit: Sendable, Equatable, CustomStringConvertible {
    case next
    case key(String)
    case keyword(String)
    /// A keyword heard with middling confidence that the caller then confirmed (yes, or key 1).
    case confirmed(String)
    case digits(String)
    case timeout
    case failure(String)
    case condition(String)
    case httpStatus(Int)
    case httpError(String)
    case recorded(Double)
    case recordingError(String)
    case hangup(String)
    case callerHungUp
    case mediaFailed
    case budgetExceeded
    case draining
    /// An `hours:` step's decision (open, closed, holiday).
    case hours(HoursDecision)
    /// The caller pressed a recording's opt-out key.
    case optedOut
    /// A `schedule_call` step recorded its call for this local time.
    case scheduled(String)
    /// A `schedule_call` step could not record its call.
    case scheduleError(String)

    public var description: String {
        switch self {
        case .next: return "next"
        case let .key(k): return "key \(k)"
        case let .keyword(w): return "said \"\(w)\""
        case let .confirmed(w): return "said \"\(w)\", confirmed"
        case let .digits(d): return "digits \(d)"
        case .timeout: return "timeout"
        case let .failure(why): return "failure (\(why))"
        case let .condition(c): return c == "else" ? "else" : "if \(c)"
        case let .httpStatus(s): return "http \(s)"
        case let .httpError(r): return "http error (\(r))"
        case let .recorded(s): return "recorded \(FlowValue.format(s))s"
        case let .recordingError(why): return "recording failed (\(why))"
        case let .hangup(r): return "hangup \(r)"
        case .callerHungUp: return "caller hung up"
        case .mediaFailed: return "media failed"
        case .budgetExceeded: return "step budget exceeded"
        case .draining: return "server draining"
        case let .hours(d): return d.rawValue
        case .optedOut: return "opted out of recording"
        case let .scheduled(at): return "scheduled \(at)"
        case let .scheduleError(why): return "schedule error (\(why))"
        }
    }
}

public struct PathEntry: Sendable, Equatable {
    public var step: String
    public var kind: String
    public var enteredAt: Instant
    /// Nil while the call is still in the step.
    public var exit: PathExit?

    public init(step: String, kind: String, enteredAt: Instant, exit: PathExit?) {
        self.step = step
        self.kind = kind
        self.enteredAt = enteredAt
        self.exit = exit
    }
}

public struct FlowOutcome: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        /// A hangup step ended the call.
        case completed
        case callerHungUp = "caller_hung_up"
        /// No valid input after the retries and no `on_failure`, or a runtime problem.
        case failed
        case mediaFailed = "media_failed"
        /// The per-call step budget ran out (a runaway flow).
        case budgetExceeded = "budget_exceeded"
        /// The server shut down before the flow ended (its drain time ran out).
        case shutdown
    }

    public var status: Status
    /// The hangup step's reason, or what went wrong.
    public var reason: String
    public var lastStep: String?
    public var path: [PathEntry]
    /// The variables at the end, with the flow's `redact` names masked.
    public var variables: [String: FlowValue]
    public var endedAt: Instant

    public init(status: Status, reason: String, lastStep: String?, path: [PathEntry], variables: [String: FlowValue],
                endedAt: Instant) {
        self.status = status
        self.reason = reason
        self.lastStep = lastStep
        self.path = path
        self.variables = variables
        self.endedAt = endedAt
    }
}
