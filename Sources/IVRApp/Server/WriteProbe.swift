import Store
import Wire

/// When `/healthz` must test the database again. The test takes the write lock, so a client polling
/// `/healthz` (the public port is open to anyone) must not turn into a stream of write locks: a success
/// is reused for `reuse` (1 s by default), and probes asked for while one runs wait for it. A failure is
/// not reused, so recovery shows at the next request.
struct WriteProbeSchedule: Sendable {
    let reuse: Duration
    private(set) var lastSuccess: Instant?

    init(reuse: Duration = .seconds(1)) {
        self.reuse = reuse
    }

    /// True when a success recent enough stands in for a new test.
    func isFresh(now: Instant) -> Bool {
        guard let lastSuccess else { return false }
        return now < lastSuccess + reuse
    }

    mutating func finished(writable: Bool, now: Instant) {
        lastSuccess = writable ? now : nil
    }
}

/// Runs the write test for `/healthz`: at most one at a time, a recent success reused (`WriteProbeSchedule`).
actor WriteProbe {
    private let test: @Sendable () async -> Bool
    private let clock: any MonotonicClock
    private var schedule: WriteProbeSchedule
    private var running: Task<Bool, Never>?

    /// `test`: true when the database took a write. `clock`: the time (a manual one in tests).
    init(reuse: Duration = .seconds(1), clock: any MonotonicClock = SystemMonotonicClock(),
         test: @escaping @Sendable () async -> Bool) {
        self.schedule = WriteProbeSchedule(reuse: reuse)
        self.clock = clock
        self.test = test
    }

    init(store: any CallStore) {
        self.init { (try? await store.checkWritable()) != nil }
    }

    func writable() async -> Bool {
        if schedule.isFresh(now: clock.now()) { return true }
        if let running { return await running.value }
        let task = Task { await test() }
        running = task
        let ok = await task.value
        running = nil
        schedule.finished(writable: ok, now: clock.now())
        return ok
    }
}
