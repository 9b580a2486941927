import Foundation
@testable import IVRApp
import Testing

/// No answer and a decline are called again after `retry_after` (inside the window) until
/// `max_attempts`; then the row fails with the last result.
@Suite struct RedialNoAnswerTests {
    @Test func unansweredRowsAreRetriedUntilMaxAttempts() throws {
        let window = try #require(DialerClock.window("09:00-18:00"))
        let policy = RedialPolicy(maxAttempts: 3, retryAfter: 1800)
        let now = DialerClock.local(2026, 3, 10, 10)
        #expect(RowVerdict.decide(result: "no_answer", attempts: 1, policy: policy, window: window, now: now)
            == .retry(at: now.addingTimeInterval(1800), result: "no_answer", countsAttempt: true))
        #expect(RowVerdict.decide(result: "declined", attempts: 2, policy: policy, window: window, now: now)
            == .retry(at: now.addingTimeInterval(1800), result: "declined", countsAttempt: true))
        #expect(RowVerdict.decide(result: "no_answer", attempts: 3, policy: policy, window: window, now: now)
            == .failed(result: "no_answer"))
        // A retry that would fall after closing waits for the next morning.
        let evening = DialerClock.local(2026, 3, 10, 17, 45)
        #expect(RowVerdict.decide(result: "no_answer", attempts: 1, policy: policy, window: window, now: evening)
            == .retry(at: DialerClock.local(2026, 3, 11, 9), result: "no_answer", countsAttempt: true))
        // An answered call is done.
        #expect(RowVerdict.decide(result: "hangup", attempts: 1, policy: policy, window: window, now: now)
            == .done(result: "hangup"))
    }
}
