@testable import IVRApp
import Testing
import Wire

/// The per-source token buckets for failed webhook requests, on manual instants.
@Suite struct FailureLimiterTests {
    func at(_ seconds: Double) -> Instant { Instant(nanoseconds: Int64(seconds * 1e9)) }

    /// Records failures for `source` at `time`, returning for each whether it used the last token.
    func fail(_ l: inout FailureLimiter, _ source: String, at time: Double, times: Int = 1) -> [Bool] {
        (0..<times).map { _ in l.recordFailure(source, now: at(time)) }
    }

    @Test func aSourceIsLimitedAfterItsBurstAndRecoversAtTheRate() {
        var l = FailureLimiter(limits: .init(burst: 3, perMinute: 60, maxSources: 100))
        #expect(l.allows("a", now: at(0)))
        #expect(fail(&l, "a", at: 0, times: 3) == [false, false, true])  // the last token: the one moment to log
        #expect(!l.allows("a", now: at(0)))
        #expect(!l.allows("a", now: at(0.5)))
        #expect(l.allows("b", now: at(0.5)))             // other sources are unaffected
        #expect(l.allows("a", now: at(1.0)))             // one token back after a second at 60/min
        #expect(fail(&l, "a", at: 1.0) == [true])        // and spent again: a new episode, logged once more
        #expect(!l.allows("a", now: at(1.5)))
    }

    @Test func limitedAgainWithoutRecoveringIsNotLoggedTwice() {
        var l = FailureLimiter(limits: .init(burst: 1, perMinute: 1, maxSources: 100))
        #expect(fail(&l, "a", at: 0) == [true])
        #expect(fail(&l, "a", at: 1) == [false])
        #expect(fail(&l, "a", at: 2) == [false])
    }

    @Test func bucketsNeverHoldMoreThanTheBurst() {
        var l = FailureLimiter(limits: .init(burst: 2, perMinute: 600, maxSources: 100))
        #expect(fail(&l, "a", at: 0) == [false])
        // An hour later the bucket is full (2 tokens), not 36 000.
        #expect(fail(&l, "a", at: 3600, times: 2) == [false, true])
    }

    @Test func rememberedSourcesStayWithinTheLimit() {
        var l = FailureLimiter(limits: .init(burst: 1, perMinute: 1, maxSources: 50))
        for i in 0..<1000 { l.recordFailure("10.0.\(i / 256).\(i % 256)", now: at(Double(i))) }
        #expect(l.trackedSources <= 50)
        // The most recent source is still remembered and limited.
        #expect(!l.allows("10.0.3.231", now: at(999)))
    }
}
