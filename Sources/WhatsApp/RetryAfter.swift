import Foundation

/// The `Retry-After` header of a 429/503 answer, read defensively: only delay-seconds
/// (`Retry-After: 120`) is understood, and the value is bounded before it becomes a `Duration`,
/// so `Int.max` cannot trap and `10^10` cannot postpone a retry for centuries.
public enum RetryAfter {
    /// Seconds above this are read as this (a day); `cap` then bounds the wait itself.
    public static let maxSeconds = 86_400

    /// The header as a delay; nil when absent, negative, or not delay-seconds (an HTTP date is ignored).
    public static func parse(_ header: String?) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty,
              text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        // All digits: a value too long for Int is simply very large.
        let seconds = Int(text).map { min($0, maxSeconds) } ?? maxSeconds
        return .seconds(seconds)
    }

    /// The wait before the next attempt: the backoff, or the server's `Retry-After` when that is
    /// longer, never more than `cap` (`graph.max_retry_after_seconds`) nor less than the backoff.
    public static func wait(backoff: Duration, retryAfter: Duration?, cap: Duration) -> Duration {
        guard let retryAfter, retryAfter > backoff else { return backoff }
        return max(backoff, min(retryAfter, cap))
    }
}
