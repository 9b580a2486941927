import Wire

/// A token bucket for reported presses: `burst` at once, then one per `interval`.
struct PressAllowance: Sendable {
    static let burst = 20
    static let interval: Duration = .milliseconds(50)
    private var tokens = PressAllowance.burst
    private var refilledAt: Instant?

    mutating func take(at now: Instant) -> Bool {
        if let last = refilledAt {
            let step = Self.interval.totalNanoseconds
            let gained = max(0, (now.nanoseconds &- last.nanoseconds) / step)
            if gained > 0 {
                tokens = Int(min(Int64(Self.burst), Int64(tokens) + gained))
                refilledAt = Instant(nanoseconds: last.nanoseconds + gained * step)
            }
        } else {
            refilledAt = now
        }
        if tokens >= Self.burst { refilledAt = now }
        guard tokens > 0 else { return false }
        tokens -= 1
        return true
    }
}
