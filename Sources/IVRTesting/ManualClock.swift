import NIOConcurrencyHelpers
import Wire

/// A clock that moves only when a test advances it.
public final class ManualClock: MonotonicClock, Sendable {
    private let current: NIOLockedValueBox<Instant>

    public init(start: Instant = Instant(nanoseconds: 1_000_000_000)) {
        current = NIOLockedValueBox(start)
    }

    public func now() -> Instant { current.withLockedValue { $0 } }

    public func advance(by duration: Duration) {
        current.withLockedValue { $0 = $0 + duration }
    }

    public func set(_ instant: Instant) {
        current.withLockedValue { $0 = instant }
    }
}
