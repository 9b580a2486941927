import Foundation
@testable import IVRApp
import Testing

/// WhatsApp's limits: 138005 backs off, 138012 (and the user's start_call limit) waits for the next
/// day's window; neither counts as an attempt. 138006, 138013, the unanswered guard, a refused
/// permission and a call cut by a crash are final.
@Suite struct RedialLimitsTests {
    let window = DialerClock.window("09:00-18:00")
    let policy = RedialPolicy(maxAttempts: 1, retryAfter: 3600, rateLimitBackoff: 120)
    let now = DialerClock.local(2026, 3, 10, 10)

    @Test func rateLimitBacksOffWithoutCountingTheAttempt() {
        #expect(RowVerdict.decide(result: "rate_limited", attempts: 1, policy: policy, window: window, now: now)
            == .retry(at: now.addingTimeInterval(120), result: "rate_limited", countsAttempt: false))
    }

    @Test func dailyLimitsWaitForTomorrowsWindow() {
        let tomorrow = DialerClock.local(2026, 3, 11, 9)
        for code in ["daily_limit", "call_limit"] {
            #expect(RowVerdict.decide(result: code, attempts: 1, policy: policy, window: window, now: now)
                == .retry(at: tomorrow, result: code, countsAttempt: false))
        }
        #expect(RowVerdict.decide(result: "daily_limit", attempts: 1, policy: policy, window: nil, now: now)
            == .retry(at: now.addingTimeInterval(86_400), result: "daily_limit", countsAttempt: false))
    }

    @Test func aCallNeverSentIsDueAgainAtOnce() {
        #expect(RowVerdict.decide(result: "not_placed", attempts: 1, policy: policy, window: window, now: now)
            == .retry(at: now, result: "not_placed", countsAttempt: false))
    }

    @Test func refusalsAndCrashesAreFinal() {
        for code in ["no_permission", "country_unavailable", "unanswered_guard", "permission_denied",
                     "permission_timeout", "interrupted", "shutdown", "graph_error"] {
            #expect(RowVerdict.decide(result: code, attempts: 1, policy: RedialPolicy(maxAttempts: 5), window: window,
                                      now: now) == .failed(result: code))
        }
    }
}
