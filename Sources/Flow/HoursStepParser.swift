import Foundation
import Yams

/// Reads an `hours:` step: the zone, the weekly schedule, the holidays and the three branches,
/// reporting unknown zones, malformed times and overlapping ranges with their lines.
extension NodeReader {
    static let hoursKeys = ["zone", "weekly", "holidays", "open", "closed", "holiday", "into"]

    func parseHours(_ node: Node) -> HoursStep? {
        guard let f = mapping(node, what: "hours", allowed: Self.hoursKeys, required: ["zone", "weekly", "open", "closed"]) else {
            return nil
        }
        let zone = f["zone"].flatMap { timeZone($0, what: "'zone'") }
        let weekly = f["weekly"].map(parseWeekly) ?? []
        let holidays = f["holidays"].map(parseHolidays) ?? []
        let into = f["into"].flatMap { identifier($0, what: "'into'") }
        let holiday = f["holiday"].flatMap { ref($0, what: "'holiday'") }
        guard let zone, let open = f["open"].flatMap({ ref($0, what: "'open'") }),
              let closed = f["closed"].flatMap({ ref($0, what: "'closed'") }) else { return nil }
        return HoursStep(zoneName: zone.0, zone: zone.1, weekly: weekly, holidays: holidays, open: open, closed: closed,
                         holiday: holiday, into: into)
    }

    /// `mon-fri: "09:00-17:00"`, `sat: ["10:00-12:00", "13:00-15:00"]`; a day not listed is closed.
    private func parseWeekly(_ node: Node) -> [OpeningInterval] {
        guard case let .mapping(m) = node, !m.isEmpty else {
            error(node, "'weekly' must be a mapping of days (mon, mon-fri, sat-sun) to times (\"09:00-17:00\" or a list), got \(Self.describe(node))")
            return []
        }
        var out: [OpeningInterval] = []
        for (k, v) in m {
            guard let daysText = string(k, what: "a day in 'weekly'") else { continue }
            guard let days = Self.days(daysText) else {
                error(k, "'\(daysText)' is not a day or a range of days; expected mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri")
                continue
            }
            let items: [Node]
            if case let .sequence(seq) = v { items = Array(seq) } else { items = [v] }
            for item in items {
                guard let text = string(item, what: "opening hours of '\(daysText)'") else { continue }
                guard let (start, end) = Self.timeRange(text) else {
                    error(item, "opening hours '\(text)' of '\(daysText)' must be HH:MM-HH:MM with the start before the end (00:00 to 24:00); split a night across midnight into two ranges")
                    continue
                }
                for d in days {
                    let interval = OpeningInterval(weekday: d, start: start, end: end, source: text, line: Self.line(item))
                    if let other = out.first(where: { $0.overlaps(interval) }) {
                        error(item, "opening hours '\(text)' on \(OpeningInterval.dayNames[d]) overlap '\(other.source)' (line \(other.line)); each moment belongs to one range")
                        continue
                    }
                    out.append(interval)
                }
            }
        }
        return out
    }

    /// `["2026-12-25", "2026-12-31..2027-01-01"]`: days or inclusive ranges, in the schedule's zone.
    private func parseHolidays(_ node: Node) -> [HolidayRange] {
        guard case let .sequence(seq) = node else {
            error(node, "'holidays' must be a list of dates (\"2026-12-25\") or ranges (\"2026-12-24..2027-01-01\"), got \(Self.describe(node))")
            return []
        }
        var out: [HolidayRange] = []
        for item in seq {
            guard let text = string(item, what: "a holiday") else { continue }
            let ends = text.components(separatedBy: "..")
            guard ends.count <= 2, let from = LocalDate.parse(ends[0].trimmingCharacters(in: .whitespaces)),
                  let to = LocalDate.parse((ends.last ?? "").trimmingCharacters(in: .whitespaces)) else {
                error(item, "holiday '\(text)' must be a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD of real days")
                continue
            }
            guard from <= to else {
                error(item, "holiday range '\(text)' ends (\(to)) before it starts (\(from))")
                continue
            }
            let range = HolidayRange(from: from, to: to, source: text, line: Self.line(item))
            if let other = out.first(where: { $0.from <= to && from <= $0.to }) {
                error(item, "holiday '\(text)' overlaps '\(other.source)' (line \(other.line)); list each day once")
                continue
            }
            out.append(range)
        }
        return out
    }

    /// `mon` → [0]; `mon-fri` → [0…4]; `fri-mon` wraps over the weekend.
    static func days(_ text: String) -> [Int]? {
        let parts = text.lowercased().split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let names = OpeningInterval.dayNames
        guard (1...2).contains(parts.count), let a = names.firstIndex(of: parts[0]),
              let b = names.firstIndex(of: parts[parts.count - 1]) else { return nil }
        var out = [a]
        var d = a
        while d != b {
            d = (d + 1) % 7
            out.append(d)
        }
        return out
    }

    /// `09:00-17:30` → (540, 1050) in minutes after midnight; `24:00` may end a range.
    static func timeRange(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = minute(parts[0].trimmingCharacters(in: .whitespaces)),
              let end = minute(parts[1].trimmingCharacters(in: .whitespaces)), start < end, start < 24 * 60 else { return nil }
        return (start, end)
    }

    private static func minute(_ text: String) -> Int? {
        let hm = text.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, hm[0].count == 2, hm[1].count == 2,
              hm.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(hm[0]), let m = Int(hm[1]), m < 60, h < 24 || (h == 24 && m == 0) else { return nil }
        return h * 60 + m
    }
}
