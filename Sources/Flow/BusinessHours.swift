import Foundation

/// Which branch an `hours:` step takes.
public enum HoursDecision: String, Sendable, Equatable {
    case open, closed, holiday
}

/// A calendar day in the schedule's own time zone (no time, no zone): `2026-12-24`.
struct LocalDate: Comparable, Hashable, Sendable, CustomStringConvertible {
    var year: Int
    var month: Int
    var day: Int

    var ordinal: Int { year * 10_000 + month * 100 + day }

    static func < (a: LocalDate, b: LocalDate) -> Bool { a.ordinal < b.ordinal }

    var description: String {
        let y = String(year), m = month < 10 ? "0\(month)" : "\(month)", d = day < 10 ? "0\(day)" : "\(day)"
        return "\(y)-\(m)-\(d)"
    }

    /// `YYYY-MM-DD`, a day that exists in the Gregorian calendar (no `2026-02-30`).
    static func parse(_ text: String) -> LocalDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        guard let first = calendar.date(from: DateComponents(year: y, month: m, day: 1)),
              let days = calendar.range(of: .day, in: .month, for: first), days.contains(d) else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }
}

/// Days the business is closed: one day, or an inclusive range that may span a year end.
struct HolidayRange: Sendable, Equatable {
    var from: LocalDate
    var to: LocalDate
    var source: String
    var line: Int

    func contains(_ day: LocalDate) -> Bool { from <= day && day <= to }
}

/// Open on `weekday` (0 = Monday … 6 = Sunday) from `start` to `end`, in minutes after local midnight (end excluded).
struct OpeningInterval: Sendable, Equatable {
    var weekday: Int
    var start: Int
    var end: Int
    var source: String
    var line: Int

    static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    func overlaps(_ other: OpeningInterval) -> Bool {
        weekday == other.weekday && start < other.end && other.start < end
    }
}

/// `hours:`: open, closed or holiday at a wall-clock moment, read in the schedule's IANA time zone
/// with Foundation's calendar (so daylight-saving changes follow the zone's rules).
struct HoursStep: Sendable {
    var zoneName: String
    var zone: TimeZone
    var weekly: [OpeningInterval]
    var holidays: [HolidayRange]
    var open: Ref
    var closed: Ref
    /// Where a holiday goes; `closed` when not given.
    var holiday: Ref?
    /// Optional variable that receives `open`, `closed` or `holiday`.
    var into: String?

    /// The moment as the schedule's zone sees it: the local day, weekday (0 = Monday) and minute of the day.
    func local(_ date: Date) -> (day: LocalDate, weekday: Int, minute: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        let day = LocalDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
        // Calendar counts Sunday as 1; the schedule counts Monday as 0.
        let weekday = ((c.weekday ?? 2) + 5) % 7
        return (day, weekday, (c.hour ?? 0) * 60 + (c.minute ?? 0))
    }

    func decide(at date: Date) -> HoursDecision {
        let now = local(date)
        if holidays.contains(where: { $0.contains(now.day) }) { return .holiday }
        let open = weekly.contains { $0.weekday == now.weekday && $0.start <= now.minute && now.minute < $0.end }
        return open ? .open : .closed
    }

    func target(for decision: HoursDecision) -> Ref {
        switch decision {
        case .open: return open
        case .closed: return closed
        case .holiday: return holiday ?? closed
        }
    }

    /// `2026-12-24 18:00 Thu (Europe/Berlin)`, for transcripts and logs.
    func describe(_ date: Date) -> String {
        let now = local(date)
        let h = now.minute / 60, m = now.minute % 60
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        return "\(now.day) \(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m) \(names[now.weekday]) (\(zoneName))"
    }
}
