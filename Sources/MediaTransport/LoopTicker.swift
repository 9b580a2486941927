import NIOConcurrencyHelpers
import NIOCore
import Wire

/// One shared tick per event loop drives the timers of every call on that loop: each tick, every
/// session whose deadline has come is woken (pacing, ICE, DTLS, RTCP). 1,000 calls cost one
/// repeated task per loop, not 50,000 timer insertions a second.
final class LoopTicker {
    /// Something the ticker wakes: returns false once it is finished and can be dropped.
    protocol Client: AnyObject {
        func tick(now: Instant) -> Bool
    }

    private static let tickers = NIOLockedValueBox<[ObjectIdentifier: NIOLoopBound<LoopTicker>]>([:])

    /// The ticker of `loop`, created on first use. Call on `loop`.
    static func on(_ loop: any EventLoop, interval: TimeAmount, clock: any MonotonicClock) -> LoopTicker {
        tickers.withLockedValue { all in
            let key = ObjectIdentifier(loop)
            if let t = all[key] { return t.value }
            let t = LoopTicker(loop: loop, interval: interval, clock: clock)
            all[key] = NIOLoopBound(t, eventLoop: loop)
            return t
        }
    }

    let loop: any EventLoop
    let interval: TimeAmount
    let clock: any MonotonicClock
    private var clients: [any Client] = []
    private var scheduled: Scheduled<Void>?
    /// Ticks keep a fixed grid (start + k × interval), not "interval after the last tick ended":
    /// each call's frames then leave at a constant offset from their due times, so the time
    /// spent in a tick does not turn into jitter between packets.
    private var nextTick = NIODeadline.uptimeNanoseconds(0)

    private init(loop: any EventLoop, interval: TimeAmount, clock: any MonotonicClock) {
        self.loop = loop
        self.interval = interval
        self.clock = clock
    }

    /// Adds a client; the tick runs while there are clients. Call on `loop`.
    func add(_ client: any Client) {
        loop.preconditionInEventLoop()
        clients.append(client)
        if scheduled == nil {
            nextTick = .now() + interval
            schedule()
        }
    }

    private func schedule() {
        let bound = NIOLoopBound(self, eventLoop: loop)
        scheduled = loop.scheduleTask(deadline: nextTick) { bound.value.fire() }
    }

    private func fire() {
        let now = clock.now()
        clients.removeAll { !$0.tick(now: now) }
        guard !clients.isEmpty else {
            scheduled = nil
            return
        }
        nextTick = nextTick + interval
        let late = NIODeadline.now() - nextTick
        if late >= .zero {
            // A stalled loop skips the ticks it missed rather than running them back to back.
            nextTick = nextTick + .nanoseconds((late.nanoseconds / interval.nanoseconds + 1) * interval.nanoseconds)
        }
        schedule()
    }
}
