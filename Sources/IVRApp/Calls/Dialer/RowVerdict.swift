import Foundation

/// When a row is tried again (a campaign's `max_attempts`/`retry_after`, else `outbound.dialer`'s defaults).
public struct RedialPolicy: Sendable, Equatable {
    /// Calls placed for one row at most (unanswered and declined calls are retried until then).
    public var maxAttempts: Int
    /// The wait before calling again after no answer or a decline, in seconds.
    public var retryAfter: Int
    /// The wait after WhatsApp's call rate limit (138005), in seconds.
    public var rateLimitBackoff: Int

    public init(maxAttempts: Int = 1, retryAfter: Int = 3600, rateLimitBackoff: Int = 60) {
        self.maxAttempts = max(1, maxAttempts)
        self.retryAfter = max(1, retryAfter)
        self.rateLimitBackoff = max(1, rateLimitBackoff)
    }
}

/// What becomes of a scheduled row once its call ended (or once the gate refused it).
public enum RowVerdict: Sendable, Equatable {
    /// The user was reached: final `done`.
    case done(result: String)
    /// `pending` again from `at`. `countsAttempt` false: the user's phone never rang (a limit, a
    /// rate limit, a call never sent), so the attempt is given back.
    case retry(at: Date, result: String, countsAttempt: Bool)
    /// Final `failed`.
    case failed(result: String)

    /// Decides, sans-IO, from the result code (the call's `end_reason` or the gate's refusal code), the
    /// calls placed so far for the row (this one included), the row's policy and window, and `now`.
    ///
    /// - `hangup`, `terminate`: reached, done.
    /// - `no_answer`, `declined`: again after `retry_after` (in the window) while attempts remain, else failed.
    /// - `rate_limited` (138005): again after the backoff, not counted.
    /// - `daily_limit` (138012), `call_limit` (the user's `start_call` limit): the next day's window
    ///   (or 24 h without a window), not counted.
    /// - `not_placed` (the server drained before `connect`): again now, not counted.
    /// - anything else is final: `no_permission` (138006), `country_unavailable` (138013),
    ///   `unanswered_guard`, `permission_denied`, `permission_timeout`, `interrupted` (the server died
    ///   while the call was up: it may have rung, so it is never placed again), `shutdown`, media failures.
    public static func decide(result: String, attempts: Int, policy: RedialPolicy, window: CallingWindow?,
                              now: Date) -> RowVerdict {
        switch result {
        case "hangup", "terminate":
            return .done(result: result)
        case "no_answer", "declined":
            guard attempts < policy.maxAttempts else { return .failed(result: result) }
            return .retry(at: open(window, now.addingTimeInterval(TimeInterval(policy.retryAfter))), result: result,
                          countsAttempt: true)
        case "rate_limited":
            return .retry(at: open(window, now.addingTimeInterval(TimeInterval(policy.rateLimitBackoff))), result: result,
                          countsAttempt: false)
        case "daily_limit", "call_limit":
            let next = window?.nextDayOpening(after: now) ?? now.addingTimeInterval(86_400)
            return .retry(at: next, result: result, countsAttempt: false)
        case "not_placed":
            return .retry(at: open(window, now), result: result, countsAttempt: false)
        default:
            return .failed(result: result)
        }
    }

    private static func open(_ window: CallingWindow?, _ date: Date) -> Date {
        window?.nextOpening(atOrAfter: date) ?? date
    }
}
