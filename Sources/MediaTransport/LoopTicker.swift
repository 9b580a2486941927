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
    private var task: RepeatedTask?

    private init(loop: any EventLoop, interval: TimeAmount, clock: any MonotonicClock) {
        self.loop = loop
        self.interval = interval
        self.clock = clock
    }

    /// Adds a client; the tick runs while there are clients. Call on `loop`.
    func add(_ client: any Client) {
        loop.preconditionInEventLoop()
        clients.append(client)
        if task == nil {
            let bound = NIOLoopBound(self, eventLoop: loop)
            task = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in bound.value.tick() }
        }
    }

    private func tick() {
        let now = clock.now()
        clients.removeAll { !$0.tick(now: now) }
        if clients.isEmpty {
            task?.cancel()
            task = nil
        }
    }
}
