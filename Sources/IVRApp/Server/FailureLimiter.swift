import Wire

/// Token buckets, one per source address, for webhook requests that fail authentication or
/// parsing (401, 400). A source starts with `burst` tokens, each failure takes one, and they come
/// back at `perMinute`; with none left the source is answered 429 before its body is read or
/// hashed. Sans-IO: every call takes `now`. At most `maxSources` addresses are remembered; when
/// more fail, the ones whose buckets are full again go first, then the least recently failing.
public struct FailureLimiter: Sendable {
    public struct Limits: Sendable, Equatable {
        public var burst: Int
        public var perMinute: Int
        public var maxSources: Int

        public init(burst: Int, perMinute: Int, maxSources: Int) {
            self.burst = burst
            self.perMinute = perMinute
            self.maxSources = maxSources
        }
    }

    private struct Bucket: Sendable {
        var tokens: Double
        var updated: Instant
        /// Set when the source ran out; cleared when it has tokens again. One log line per episode.
        var limited: Bool
    }

    let limits: Limits
    private var buckets: [String: Bucket] = [:]

    public init(limits: Limits) {
        self.limits = Limits(burst: max(1, limits.burst), perMinute: max(1, limits.perMinute),
                             maxSources: max(1, limits.maxSources))
    }

    var trackedSources: Int { buckets.count }

    /// Whether `source` may make a request now (it has a token left). Takes nothing.
    func allows(_ source: String, now: Instant) -> Bool {
        guard var b = buckets[source] else { return true }
        refill(&b, now: now)
        return b.tokens >= 1
    }

    /// A failed request from `source`: takes a token. Returns true when this failure used the last
    /// one (the moment to log, once, that the source is now limited).
    @discardableResult
    mutating func recordFailure(_ source: String, now: Instant) -> Bool {
        var b = buckets[source] ?? Bucket(tokens: Double(limits.burst), updated: now, limited: false)
        refill(&b, now: now)
        if b.tokens >= 1 { b.limited = false }
        b.tokens = max(0, b.tokens - 1)
        let nowLimited = b.tokens < 1 && !b.limited
        if b.tokens < 1 { b.limited = true }
        buckets[source] = b
        if buckets.count > limits.maxSources { evict(now: now) }
        return nowLimited
    }

    private func refill(_ b: inout Bucket, now: Instant) {
        let elapsed = max(0, (now - b.updated).seconds)
        b.tokens = min(Double(limits.burst), b.tokens + elapsed * Double(limits.perMinute) / 60)
        b.updated = max(b.updated, now)
    }

    /// Forgets sources down to 90 % of the limit: full buckets first, then the oldest.
    private mutating func evict(now: Instant) {
        let target = max(1, limits.maxSources * 9 / 10)
        for (key, var b) in buckets where buckets.count > target {
            refill(&b, now: now)
            if b.tokens >= Double(limits.burst) { buckets[key] = nil }
        }
        guard buckets.count > target else { return }
        let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(buckets.count - target)
        for (key, _) in oldest { buckets[key] = nil }
    }
}
