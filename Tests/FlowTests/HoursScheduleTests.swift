import Foundation
@testable import Flow
import Testing

/// `hours:` decisions at fixed UTC moments: daylight-saving changes in Europe/Berlin and America/New_York,
/// and a holiday range across a year end, read in the schedule's zone.
@Suite struct HoursScheduleTests {
    static func schedule(zone: String, holidays: [String] = []) throws -> HoursStep {
        let list = holidays.map { "\"\($0)\"" }.joined(separator: ", ")
        let flow = try mustLoad("""
            name: h
            start: check
            steps:
              check:
                hours:
                  zone: \(zone)
                  weekly:
                    mon-fri: "09:00-17:00"
                    sun: "03:00-04:00"
                  holidays: [\(list)]
                  open: bye
                  closed: bye
                  holiday: bye
              bye:
                hangup: done
            """)
        guard case let .hours(h)? = flow.steps["check"]?.kind else { throw TestFailure(message: "no hours step") }
        return h
    }

    static func at(_ text: String) throws -> Date { try SimulatedMoment.parse(text) }

    @Test func berlinFollowsTheSpringChange() throws {
        let h = try Self.schedule(zone: "Europe/Berlin")
        // Friday before the change: UTC+1, so 08:30Z is 09:30 local.
        #expect(h.decide(at: try Self.at("2026-03-27T08:30Z")) == .open)
        #expect(h.decide(at: try Self.at("2026-03-27T07:30Z")) == .closed)
        // Monday after it (2026-03-29): UTC+2, so 07:30Z is already 09:30 local, and 06:30Z is 08:30.
        #expect(h.decide(at: try Self.at("2026-03-30T07:30Z")) == .open)
        #expect(h.decide(at: try Self.at("2026-03-30T06:30Z")) == .closed)
        #expect(h.describe(try Self.at("2026-03-30T07:30Z")) == "2026-03-30 09:30 Mon (Europe/Berlin)")
        // On the change night 02:00 local jumps to 03:00: 01:00Z is 03:00 CEST (open), 00:59Z is 01:59 CET.
        #expect(h.decide(at: try Self.at("2026-03-29T01:00Z")) == .open)
        #expect(h.decide(at: try Self.at("2026-03-29T00:59Z")) == .closed)
    }

    @Test func newYorkFollowsTheAutumnChange() throws {
        let h = try Self.schedule(zone: "America/New_York")
        // Friday 2026-10-30 is still EDT (UTC-4): 13:30Z is 09:30 local.
        #expect(h.decide(at: try Self.at("2026-10-30T13:30Z")) == .open)
        // Monday 2026-11-02 is EST (UTC-5): 13:30Z is 08:30 local, 14:30Z is 09:30.
        #expect(h.decide(at: try Self.at("2026-11-02T13:30Z")) == .closed)
        #expect(h.decide(at: try Self.at("2026-11-02T14:30Z")) == .open)
        // 21:59Z on Monday is 16:59 EST (open), 22:00Z is 17:00 (closed: the end is excluded).
        #expect(h.decide(at: try Self.at("2026-11-02T21:59Z")) == .open)
        #expect(h.decide(at: try Self.at("2026-11-02T22:00Z")) == .closed)
        // 01:30 local happens twice on 2026-11-01; Sunday 03:00-04:00 EST is 08:00Z-09:00Z.
        #expect(h.decide(at: try Self.at("2026-11-01T08:30Z")) == .open)
        #expect(h.decide(at: try Self.at("2026-11-01T07:30Z")) == .closed)
    }

    @Test func aHolidayRangeSpansTheYearEndInTheLocalCalendar() throws {
        let h = try Self.schedule(zone: "Europe/Berlin", holidays: ["2026-12-31..2027-01-02", "2026-12-24"])
        #expect(h.decide(at: try Self.at("2026-12-30T10:00+01:00")) == .open)
        // 23:30Z on the 30th is already 00:30 on the 31st in Berlin.
        #expect(h.decide(at: try Self.at("2026-12-30T23:30Z")) == .holiday)
        #expect(h.decide(at: try Self.at("2027-01-01T10:00+01:00")) == .holiday)
        #expect(h.decide(at: try Self.at("2027-01-02T23:59+01:00")) == .holiday)
        #expect(h.decide(at: try Self.at("2027-01-04T10:00+01:00")) == .open)
        // A single day: the holiday wins over opening hours; the evening before is a normal weekday.
        #expect(h.decide(at: try Self.at("2026-12-24T10:00+01:00")) == .holiday)
        #expect(h.decide(at: try Self.at("2026-12-23T16:59+01:00")) == .open)
    }

    @Test func withoutAHolidayBranchAHolidayGoesToClosed() throws {
        let flow = try mustLoad("""
            name: h
            start: check
            steps:
              check:
                hours: { zone: UTC, weekly: { mon-sun: "00:00-24:00" }, holidays: ["2026-12-25"], open: a, closed: b }
              a: { hangup: open }
              b: { hangup: shut }
            """)
        guard case let .hours(h)? = flow.steps["check"]?.kind else { throw TestFailure(message: "no hours step") }
        #expect(h.decide(at: try Self.at("2026-12-25T12:00Z")) == .holiday)
        #expect(h.target(for: .holiday).name == "b")
        #expect(h.decide(at: try Self.at("2026-12-26T23:59Z")) == .open)
    }

    @Test func momentsNeedAnOffset() throws {
        #expect(throws: FlowError.moment(text: "2026-12-24T18:00",
                                         expected: "a date and time with its UTC offset, such as 2026-12-24T18:00+01:00 or 2026-12-24T17:00Z")) {
            try SimulatedMoment.parse("2026-12-24T18:00")
        }
        #expect(SimulatedMoment.format(try Self.at("2026-12-24T18:00+01:00")) == "2026-12-24T17:00:00Z")
    }
}
