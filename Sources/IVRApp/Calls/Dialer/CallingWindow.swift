import Foundation

/// When calls may be placed: a daily span of local time (`09:00-18:00`) in an IANA time zone. A span
/// whose end is before its start runs over midnight (`20:00-08:00`). Local times are read through the
/// zone's calendar, so the window follows daylight saving time.
public struct CallingWindow: Sendable, Equatable, CustomStringConvertible {
    /// Minutes after local midnight.
    public let start: Int
    public let end: Int
    public let timeZone: TimeZone

    public init(start: Int, end: Int, timeZone: TimeZone) {
        self.start = start
        self.end = end
        self.timeZone = timeZone
    }

    /// Reads `HH:MM-HH:MM` and an IANA zone name (`Europe/Berlin`; nil or empty: UTC).
    public init(parsing text: String, timeZone name: String?) throws(DialerConfigError) {
        let zoneName = (name?.isEmpty ?? true) ? "UTC" : name ?? "UTC"
        guard let zone = TimeZone(identifier: zoneName) else { throw .badTimeZone(zoneName) }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let s = Self.minutes(parts[0]), let e = Self.minutes(parts[1]), s != e, s < 24 * 60 else {
            throw .badWindow(text)
        }
        self.init(start: s, end: e, timeZone: zone)
    }

    public var description: String { "\(Self.clock(start))-\(Self.clock(end)) \(timeZone.identifier)" }

    /// The `HH:MM-HH:MM` part.
    public var span: String { "\(Self.clock(start))-\(Self.clock(end))" }

    var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        return c
    }

    public func contains(_ date: Date) -> Bool {
        let c = calendar.dateComponents([.hour, .minute], from: date)
        let m = (c.hour ?? 0) * 60 + (c.minute ?? 0)
        return start < end ? (m >= start && m < end) : (m >= start || m < end)
    }

    /// `date` when inside the window, else the window's next opening.
    public func nextOpening(atOrAfter date: Date) -> Date {
        if contains(date) { return date }
        let opening = DateComponents(hour: start / 60, minute: start % 60, second: 0)
        // `.nextTime`: on a day whose opening falls in a DST gap, the first valid time after it.
        return calendar.nextDate(after: date, matching: opening, matchingPolicy: .nextTime) ?? date.addingTimeInterval(3600)
    }

    /// The first opening on a later local day than `date` (after a daily limit).
    public func nextDayOpening(after date: Date) -> Date {
        let cal = calendar
        let tomorrow = cal.date(byAdding: .day, value: 1, to: cal.startOfDay(for: date)) ?? date.addingTimeInterval(86_400)
        return nextOpening(atOrAfter: tomorrow)
    }

    static func minutes(_ s: Substring) -> Int? {
        let p = s.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard p.count == 2, p[0].count <= 2, p[1].count == 2, let h = Int(p[0]), let m = Int(p[1]),
              (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 24 * 60 else { return nil }
        return h * 60 + m
    }

    static func clock(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}

/// A campaign's or the dialer's settings that cannot be read.
public enum DialerConfigError: Error, Equatable, CustomStringConvertible {
    case badWindow(String)
    case badTimeZone(String)
    case badRate(String)
    case badDuration(String)

    public var description: String {
        switch self {
        case let .badWindow(w): return "window must be HH:MM-HH:MM (local time, start and end differ), got '\(w)'"
        case let .badTimeZone(z): return "unknown time zone '\(z)' (an IANA name such as Europe/Berlin)"
        case let .badRate(r): return "rate must be calls per second, minute or hour, e.g. 2/s, 30/m, 600/h; got '\(r)'"
        case let .badDuration(d): return "expected a duration such as 90, 90s, 30m or 2h; got '\(d)'"
        }
    }
}
