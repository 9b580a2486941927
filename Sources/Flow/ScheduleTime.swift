import Foundation

/// When a `schedule_call` step places its call: `in: 2h` (a delay) or `at:` a wall-clock time in a zone.
/// Sans-IO: `resolve(now:zone:horizon:)` turns it into an instant, following the zone's daylight-saving rules.
///
/// `at:` reads `HH:MM` (the next time the clock shows it), `today HH:MM`, `tomorrow HH:MM`, a weekday
/// (`mon 09:30`, the next such day, today included if still ahead) or a date `YYYY-MM-DD HH:MM`.
/// `in:` reads whole minutes, hours and days, alone or combined: `90m`, `2h`, `1d`, `1h30m`.
public enum ScheduleTime: Sendable, Equatable {
    case after(minutes: Int)
    case at(day: Day, minute: Int)

    public enum Day: Sendable, Equatable {
        /// `HH:MM`: today if the time is still ahead, else tomorrow.
        case next
        case today
        case tomorrow
        /// 0 = Monday … 6 = Sunday: the next such day, today included when the time is still ahead.
        case weekday(Int)
        case date(year: Int, month: Int, day: Int)
    }

    /// Why a time cannot be used; `description` is the message shown to the author or logged.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case unreadable(text: String, expected: String)
        case past(text: String, local: String)
        case beyondHorizon(text: String, local: String, horizon: String)
        case missingLocalTime(text: String, local: String, zone: String)

        public var description: String {
            switch self {
            case let .unreadable(text, expected): return "cannot read the time '\(text)': expected \(expected)"
            case let .past(text, local): return "the time '\(text)' (\(local)) is in the past"
            case let .beyondHorizon(text, local, horizon):
                return "the time '\(text)' (\(local)) is more than \(horizon) ahead; expected a time within the step's 'horizon'"
            case let .missingLocalTime(text, local, zone):
                return "the time '\(text)' does not exist on \(local) in \(zone): the clocks skip it (daylight saving time starts)"
            }
        }
    }

    static let atForms = "HH:MM, today HH:MM, tomorrow HH:MM, a weekday like mon 09:30, or YYYY-MM-DD HH:MM"
    static let inForms = "whole minutes, hours or days like 90m, 2h, 1d or 1h30m"

    /// The longest delay `in:` or `horizon:` may say (a year).
    static let maxMinutes = 366 * 24 * 60

    /// `at:` text.
    public static func parseAt(_ text: String) throws(Problem) -> ScheduleTime {
        let words = text.trimmingCharacters(in: .whitespaces).lowercased()
            .split(separator: " ").map(String.init)
        // `2026-12-07T10:00` is read like `2026-12-07 10:00`.
        let parts = words.count == 1 && words[0].count == 16 && words[0].dropFirst(10).first == "t"
            ? [String(words[0].prefix(10)), String(words[0].dropFirst(11))] : words
        guard (1...2).contains(parts.count), let minute = clockMinute(parts[parts.count - 1]) else {
            throw .unreadable(text: text, expected: atForms)
        }
        guard parts.count == 2 else { return .at(day: .next, minute: minute) }
        switch parts[0] {
        case "today": return .at(day: .today, minute: minute)
        case "tomorrow": return .at(day: .tomorrow, minute: minute)
        default:
            if let d = OpeningInterval.dayNames.firstIndex(of: String(parts[0].prefix(3))), parts[0].count >= 3,
               fullDayNames[d].hasPrefix(parts[0]) {
                return .at(day: .weekday(d), minute: minute)
            }
            guard let date = LocalDate.parse(parts[0]) else { throw .unreadable(text: text, expected: atForms) }
            return .at(day: .date(year: date.year, month: date.month, day: date.day), minute: minute)
        }
    }

    static let fullDayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// `in:` text.
    public static func parseIn(_ text: String) throws(Problem) -> ScheduleTime {
        guard let minutes = minutes(text) else { throw .unreadable(text: text, expected: inForms) }
        return .after(minutes: minutes)
    }

    /// `90m`, `2h`, `1d`, `1h30m` → minutes (nil when unreadable, zero or over a year).
    static func minutes(_ text: String) -> Int? {
        var total = 0
        var number = ""
        var seen = Set<Character>()
        for c in text.trimmingCharacters(in: .whitespaces).lowercased() {
            if c.isASCII, c.isNumber {
                guard number.count < 7 else { return nil }
                number.append(c)
                continue
            }
            let scale: Int
            switch c {
            case "m": scale = 1
            case "h": scale = 60
            case "d": scale = 24 * 60
            default: return nil
            }
            guard let n = Int(number), seen.insert(c).inserted else { return nil }
            total += n * scale
            guard total <= maxMinutes else { return nil }
            number = ""
        }
        guard number.isEmpty, total > 0 else { return nil }
        return total
    }

    /// `HH:MM` (00:00 to 23:59) → minutes after midnight.
    static func clockMinute(_ text: String) -> Int? {
        let hm = text.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, (1...2).contains(hm[0].count), hm[1].count == 2,
              hm.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(hm[0]), let m = Int(hm[1]), h < 24, m < 60 else { return nil }
        return h * 60 + m
    }

    /// The instant this time names at `now` in `zone`, checked against the past and `horizonMinutes`.
    /// `text` is what the author wrote (for messages). A wall-clock time that occurs twice (clocks go back)
    /// is its first occurrence; one the clocks skip is refused.
    public func resolve(now: Date, zone: TimeZone, horizonMinutes: Int, text: String) throws(Problem) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date: Date
        switch self {
        case let .after(minutes):
            date = now.addingTimeInterval(Double(minutes) * 60)
        case let .at(day, minute):
            let today = calendar.dateComponents([.year, .month, .day, .weekday], from: now)
            let (y, m, d) = (today.year ?? 1970, today.month ?? 1, today.day ?? 1)
            let weekday = ((today.weekday ?? 2) + 5) % 7    // Calendar: 1 = Sunday; ours: 0 = Monday
            func on(_ offset: Int) throws(Problem) -> Date {
                try Self.local(year: y, month: m, day: d + offset, minute: minute, calendar: calendar, text: text)
            }
            switch day {
            case .today: date = try on(0)
            case .tomorrow: date = try on(1)
            case .next:
                let first = try? on(0)
                if let first, first > now { date = first } else { date = try on(1) }
            case let .weekday(w):
                let ahead = (w - weekday + 7) % 7
                let first = try? on(ahead)
                if let first, first > now { date = first } else { date = try on(ahead == 0 ? 7 : ahead) }
            case let .date(year, month, dayOfMonth):
                date = try Self.local(year: year, month: month, day: dayOfMonth, minute: minute, calendar: calendar, text: text)
            }
        }
        let shown = Self.format(date, zone: zone)
        guard date > now else { throw .past(text: text, local: shown) }
        guard date.timeIntervalSince(now) <= Double(horizonMinutes) * 60 else {
            throw .beyondHorizon(text: text, local: shown, horizon: Self.formatMinutes(horizonMinutes))
        }
        return date
    }

    /// Local midnight of the day plus `minute`, read back to refuse a time the clocks skip.
    static func local(year: Int, month: Int, day: Int, minute: Int, calendar: Calendar, text: String) throws(Problem) -> Date {
        let wanted = DateComponents(year: year, month: month, day: day, hour: minute / 60, minute: minute % 60)
        let dayOnly = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))
        let dayText = dayOnly.map { format($0, zone: calendar.timeZone).prefix(10) }.map(String.init) ?? "\(year)-\(month)-\(day)"
        guard let guess = calendar.date(from: wanted) else {
            throw .unreadable(text: text, expected: atForms)
        }
        // Of the instants an hour either side that show this wall-clock time, the earliest (clocks going back).
        let candidates = [guess.addingTimeInterval(-3600), guess, guess.addingTimeInterval(3600)].filter { c in
            let got = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: c)
            return got.hour == minute / 60 && got.minute == minute % 60 && got.day == dayOnlyDay(dayOnly, calendar)
        }
        guard let first = candidates.min() else {
            throw .missingLocalTime(text: text, local: dayText, zone: calendar.timeZone.identifier)
        }
        return first
    }

    private static func dayOnlyDay(_ date: Date?, _ calendar: Calendar) -> Int? {
        date.map { calendar.component(.day, from: $0) }
    }

    /// `2026-12-07T10:00:00+01:00`: the local time in the zone with its offset (what `vars.scheduled_at` holds).
    public static func format(_ date: Date, zone: TimeZone) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = zone
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    /// `30d`, `2h`, `1d2h30m`.
    static func formatMinutes(_ minutes: Int) -> String {
        let d = minutes / 1440, h = minutes % 1440 / 60, m = minutes % 60
        let text = (d > 0 ? "\(d)d" : "") + (h > 0 ? "\(h)h" : "") + (m > 0 ? "\(m)m" : "")
        return text.isEmpty ? "0m" : text
    }
}
