/// A point on a monotonic time line, in nanoseconds from an arbitrary origin.
/// Protocol code receives `Instant`s as arguments and never reads a clock itself.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: Instant, rhs: Duration) -> Instant {
        Instant(nanoseconds: lhs.nanoseconds + rhs.totalNanoseconds)
    }

    public static func - (lhs: Instant, rhs: Instant) -> Duration {
        .nanoseconds(lhs.nanoseconds - rhs.nanoseconds)
    }

    public var description: String { "\(Double(nanoseconds) / 1e9)s" }
}

extension Duration {
    /// The duration as whole nanoseconds (saturating at Int64 range).
    /// From the 128-bit attosecond count: `components` costs several hundred instructions, and this
    /// runs for every packet sent (pacing, lateness) and every timer.
    @inlinable
    public var totalNanoseconds: Int64 {
        let nanoseconds = attoseconds / 1_000_000_000
        if nanoseconds > Int128(Int64.max) { return .max }
        if nanoseconds < Int128(Int64.min) { return .min }
        return Int64(truncatingIfNeeded: nanoseconds)
    }

    /// The duration in seconds as a floating-point value.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// A source of monotonic time: the real one at the IO edges, a manual one in tests.
public protocol MonotonicClock: Sendable {
    func now() -> Instant
}

/// A clock that can also wait: what the one owner of a call sleeps on. The real one at the edge,
/// a manual one in tests (its sleepers wake when the test advances it).
public protocol SleepingClock: MonotonicClock {
    /// Returns once `now() >= deadline`; throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Instant) async throws
}

/// The process's monotonic clock.
public struct SystemMonotonicClock: SleepingClock {
    public init() {}

    public func sleep(until deadline: Instant) async throws {
        let delay = deadline.nanoseconds &- now().nanoseconds
        if delay > 0 { try await Task.sleep(for: .nanoseconds(delay)) }
        try Task.checkCancellation()
    }

    public func now() -> Instant {
        let d = ContinuousClock.now - Self.origin
        return Instant(nanoseconds: d.totalNanoseconds)
    }

    private static let origin = ContinuousClock.now
}

/// The earliest of several deadlines, gathered one by one without building an array: for the
/// `nextDeadline()` of values asked after every packet and tick of every call.
public struct EarliestDeadline: Sendable {
    @usableFromInline var earliest: Instant?

    @inlinable public init() { earliest = nil }

    /// The earliest deadline considered; nil when none was.
    @inlinable public var value: Instant? { earliest }

    /// Keeps `deadline` if it is earlier than any so far; nil is ignored.
    @inlinable public mutating func consider(_ deadline: Instant?) {
        guard let deadline else { return }
        if let earliest, earliest <= deadline { return }
        earliest = deadline
    }
}
