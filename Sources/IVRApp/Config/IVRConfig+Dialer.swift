import Yams

extension IVRConfig {
    /// The dialer (`outbound.dialer:`): how often it looks for due scheduled calls, how long a claim
    /// holds, and the pace and retries of rows that are not in a campaign (campaigns carry their own).
    public struct Dialer: Sendable, Equatable {
        /// Place due rows (`outbound.dialer.enabled`); off: rows wait in the store.
        public var enabled = true
        /// The longest pause between looks at the due rows, in ms (`outbound.dialer.tick_ms`, `IVR_DIALER_TICK_MS`).
        public var tickMs = 1000
        /// How long a claimed row is this instance's before another may take it back, in seconds
        /// (`outbound.dialer.claim_lease`, `IVR_DIALER_CLAIM_LEASE`).
        public var claimLeaseSeconds = 60
        /// The pace of step, callback and API rows (`outbound.dialer.rate`).
        public var rate = DialRate(count: 5, period: 1)
        /// The retries of step, callback and API rows (`outbound.dialer.max_attempts`, `retry_after`),
        /// and the backoff after WhatsApp's rate limit (`rate_limit_backoff`, campaigns too).
        public var retry = RedialPolicy(maxAttempts: 1, retryAfter: 3600, rateLimitBackoff: 60)

        public init() {}
    }
}

extension ConfigLoader {
    static let dialerKeys = ["enabled", "tick_ms", "claim_lease", "rate", "max_attempts", "retry_after", "rate_limit_backoff"]

    static func applyDialer(_ o: [String: Node], reader r: YAMLReader, to out: inout IVRConfig.Dialer) throws {
        if let v = try r.string(o["enabled"], "outbound.dialer.enabled") {
            guard let b = Bool(v) else { throw r.error(o["enabled"], "outbound.dialer.enabled: expected true or false") }
            out.enabled = b
        }
        if let v = try r.int(o["tick_ms"], "outbound.dialer.tick_ms", 50...60_000) { out.tickMs = v }
        if let v = try r.int(o["claim_lease"], "outbound.dialer.claim_lease", 2...3600) { out.claimLeaseSeconds = v }
        if let v = try r.string(o["rate"], "outbound.dialer.rate") {
            do {
                out.rate = try DialRate(parsing: v)
            } catch {
                throw r.error(o["rate"], "outbound.dialer.rate: \(error)")
            }
        }
        if let v = try r.int(o["max_attempts"], "outbound.dialer.max_attempts", 1...10) { out.retry.maxAttempts = v }
        if let v = try r.int(o["retry_after"], "outbound.dialer.retry_after", 1...7 * 86_400) { out.retry.retryAfter = v }
        if let v = try r.int(o["rate_limit_backoff"], "outbound.dialer.rate_limit_backoff", 1...86_400) {
            out.retry.rateLimitBackoff = v
        }
    }

    static func applyDialer(environment env: [String: String], to out: inout IVRConfig.Dialer) throws {
        if let n = try environmentInt(env, "IVR_DIALER_TICK_MS", 50...60_000, "milliseconds") { out.tickMs = n }
        if let n = try environmentInt(env, "IVR_DIALER_CLAIM_LEASE", 2...3600, "whole seconds") { out.claimLeaseSeconds = n }
    }

    /// A whole number from the environment within `range`; nil when unset or empty.
    static func environmentInt(_ env: [String: String], _ name: String, _ range: ClosedRange<Int>, _ unit: String) throws
        -> Int? {
        guard let v = env[name], !v.isEmpty else { return nil }
        guard let n = Int(v), range.contains(n) else {
            throw ConfigError(source: name, message: "expected \(unit) \(range.lowerBound)–\(range.upperBound), got '\(v)'")
        }
        return n
    }
}
