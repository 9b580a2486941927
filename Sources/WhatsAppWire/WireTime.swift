import Foundation

/// Range checks for times and durations that arrive from WhatsApp or another peer, before they
/// become `Date`s or `Int`s: a value that is not a number, not finite or outside a sane window is
/// treated as absent rather than trusted (`Int(Double)` traps on non-finite or huge values).
public enum WireTime {
    /// Unix times accepted from webhooks: 2000-01-01T00:00:00Z up to 2100-01-01T00:00:00Z.
    public static let unixSecondsRange: ClosedRange<Double> = 946_684_800...4_102_444_800
    /// Longest call duration accepted from a webhook: one week.
    public static let maxDurationSeconds = 7 * 86_400

    /// A Unix time in seconds (`"1764070000"`, `"1764070000.5"`) as a date, or nil when it is not
    /// a finite number within `unixSecondsRange`.
    public static func date(unixSeconds text: String?) -> Date? {
        guard let text, let seconds = Double(text.trimmingCharacters(in: .whitespaces)),
              seconds.isFinite, unixSecondsRange.contains(seconds) else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// A call duration in whole seconds, or nil when negative or longer than `maxDurationSeconds`.
    public static func durationSeconds(_ value: Int?) -> Int? {
        guard let value, (0...maxDurationSeconds).contains(value) else { return nil }
        return value
    }

    /// A time interval rounded to whole units (`scale` units per second: 1 for seconds, 1000 for
    /// milliseconds), or nil when it is not finite or does not fit in `limit` — never a trap.
    public static func rounded(_ interval: TimeInterval, scale: Double = 1, limit: Int = Int(Int32.max)) -> Int? {
        let value = (interval * scale).rounded()
        guard value.isFinite, value >= -Double(limit), value <= Double(limit) else { return nil }
        return Int(value)
    }
}

extension CallTerminate {
    /// `start_time` as a date; nil when absent, not a number, not finite or outside 2000–2100.
    public var startDate: Date? { WireTime.date(unixSeconds: startTime) }
    /// `end_time` as a date; nil when absent, not a number, not finite or outside 2000–2100.
    public var endDate: Date? { WireTime.date(unixSeconds: endTime) }
    /// `duration` in seconds; nil when absent, negative or longer than a week.
    public var duration: Int? { WireTime.durationSeconds(durationSeconds) }
}
