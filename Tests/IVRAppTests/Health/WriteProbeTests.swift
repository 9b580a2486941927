@testable import IVRApp
import IVRTesting
import NIOConcurrencyHelpers
import Testing
import Wire

/// `/healthz`'s write test on a manual clock: a success is reused for a second, a failure never is, and
/// requests that arrive while a test runs share it, so polling `/healthz` cannot queue up write locks.
@Suite struct WriteProbeTests {
    @Test func aSuccessIsReusedForOneSecondAndAFailureIsNot() {
        var schedule = WriteProbeSchedule(reuse: .seconds(1))
        let t0 = Instant(nanoseconds: 5_000_000_000)
        #expect(!schedule.isFresh(now: t0))
        schedule.finished(writable: true, now: t0)
        #expect(schedule.isFresh(now: t0 + .milliseconds(999)))
        #expect(!schedule.isFresh(now: t0 + .seconds(1)))
        schedule.finished(writable: false, now: t0 + .seconds(1))
        #expect(!schedule.isFresh(now: t0 + .seconds(1)))
    }

    @Test func concurrentRequestsShareOneTestAndASuccessIsReused() async {
        let clock = ManualClock()
        let gate = Gate()
        let runs = NIOLockedValueBox(0)
        let probe = WriteProbe(reuse: .seconds(1), clock: clock) {
            runs.withLockedValue { $0 += 1 }
            await gate.wait()
            return true
        }
        async let a = probe.writable()
        async let b = probe.writable()
        async let c = probe.writable()
        while runs.withLockedValue({ $0 }) == 0 { await Task.yield() }
        // Let the other two reach the running test before it finishes.
        for _ in 0..<100 { await Task.yield() }
        gate.open()
        #expect(await [a, b, c] == [true, true, true])
        #expect(runs.withLockedValue { $0 } == 1)

        clock.advance(by: .milliseconds(500))
        #expect(await probe.writable())
        #expect(runs.withLockedValue { $0 } == 1, "a success half a second old is reused")
        clock.advance(by: .milliseconds(500))
        #expect(await probe.writable())
        #expect(runs.withLockedValue { $0 } == 2, "a success a second old is not")
    }

    @Test func aFailureIsReportedAndTestedAgainAtTheNextRequest() async {
        let results = NIOLockedValueBox([false, false, true])
        let runs = NIOLockedValueBox(0)
        let probe = WriteProbe(reuse: .seconds(1), clock: ManualClock()) {
            runs.withLockedValue { $0 += 1 }
            return results.withLockedValue { $0.removeFirst() }
        }
        #expect(await probe.writable() == false)
        #expect(await probe.writable() == false)
        #expect(await probe.writable() == true)
        #expect(await probe.writable() == true)
        #expect(runs.withLockedValue { $0 } == 3, "failures are tested again at once; the success is reused")
    }
}

/// Holds callers until opened.
private final class Gate: Sendable {
    private let state = NIOLockedValueBox<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resume = state.withLockedValue { s -> Bool in
                if s.open { return true }
                s.waiters.append(continuation)
                return false
            }
            if resume { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLockedValue { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }
}
