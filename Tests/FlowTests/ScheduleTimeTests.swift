import Foundation
@testable import Flow
import Testing

/// `at:` and `in:` read on a manual `now`, in a zone, across daylight-saving changes, with the past and the
/// horizon refused.
@Suite struct ScheduleTimeTests {
    let berlin = TimeZone(identifier: "Europe/Berlin") ?? .current
    let month = 30 * 24 * 60

    func moment(_ text: String) throws -> Date { try SimulatedMoment.parse(text) }

    func resolve(_ at: String, now: String, zone: TimeZone? = nil, horizon: Int? = nil) throws -> String {
        let time = try ScheduleTime.parseAt(at)
        let date = try time.resolve(now: try moment(now), zone: zone ?? berlin, horizonMinutes: horizon ?? month, text: at)
        return ScheduleTime.format(date, zone: zone ?? berlin)
    }

    @Test func readsEveryForm() throws {
        #expect(try ScheduleTime.parseAt("10:00") == .at(day: .next, minute: 600))
        #expect(try ScheduleTime.parseAt("tomorrow 9:05") == .at(day: .tomorrow, minute: 545))
        #expect(try ScheduleTime.parseAt("Today 23:59") == .at(day: .today, minute: 1439))
        #expect(try ScheduleTime.parseAt("mon 09:30") == .at(day: .weekday(0), minute: 570))
        #expect(try ScheduleTime.parseAt("sunday 18:00") == .at(day: .weekday(6), minute: 1080))
        #expect(try ScheduleTime.parseAt("2026-12-07 10:00") == .at(day: .date(year: 2026, month: 12, day: 7), minute: 600))
        #expect(try ScheduleTime.parseAt("2026-12-07T10:00") == .at(day: .date(year: 2026, month: 12, day: 7), minute: 600))
        #expect(try ScheduleTime.parseIn("90m") == .after(minutes: 90))
        #expect(try ScheduleTime.parseIn("1h30m") == .after(minutes: 90))
        #expect(try ScheduleTime.parseIn("2d") == .after(minutes: 2880))
    }

    @Test func refusesWhatItCannotRead() {
        for bad in ["", "10", "25:00", "10:60", "tomorrow", "next week 10:00", "2026-02-30 10:00", "funday 10:00", "10:00 pm"] {
            #expect(throws: ScheduleTime.Problem.self, "\(bad)") { try ScheduleTime.parseAt(bad) }
        }
        for bad in ["", "2", "0m", "2x", "1h1h", "-5m", "9999999999m", "400d"] {
            #expect(throws: ScheduleTime.Problem.self, "\(bad)") { try ScheduleTime.parseIn(bad) }
        }
        do {
            _ = try ScheduleTime.parseAt("soon")
            Issue.record("'soon' was read")
        } catch {
            #expect(error.description == "cannot read the time 'soon': expected \(ScheduleTime.atForms)")
        }
    }

    @Test func aClockTimeIsItsNextOccurrence() throws {
        #expect(try resolve("10:00", now: "2026-12-06T09:00+01:00") == "2026-12-06T10:00:00+01:00")
        #expect(try resolve("10:00", now: "2026-12-06T10:00+01:00") == "2026-12-07T10:00:00+01:00")
        #expect(try resolve("mon 09:30", now: "2026-12-06T12:00+01:00") == "2026-12-07T09:30:00+01:00")
        #expect(try resolve("sun 13:00", now: "2026-12-06T12:00+01:00") == "2026-12-06T13:00:00+01:00")
        #expect(try resolve("sun 11:00", now: "2026-12-06T12:00+01:00") == "2026-12-13T11:00:00+01:00")
    }

    @Test func tomorrowIsTheNextCalendarDayNotTwentyFourHours() throws {
        // The night of 28/29 March 2026 has 23 hours in Berlin: tomorrow 10:00 is 23 hours after today 10:00.
        #expect(try resolve("tomorrow 10:00", now: "2026-03-28T10:00+01:00") == "2026-03-29T10:00:00+02:00")
        // And 25 hours in October.
        #expect(try resolve("tomorrow 10:00", now: "2026-10-24T10:00+02:00") == "2026-10-25T10:00:00+01:00")
        // A delay is elapsed time, whatever the clocks do.
        let after = try ScheduleTime.parseIn("24h").resolve(now: try moment("2026-03-28T10:00+01:00"), zone: berlin,
                                                             horizonMinutes: month, text: "24h")
        #expect(ScheduleTime.format(after, zone: berlin) == "2026-03-29T11:00:00+02:00")
    }

    @Test func aSkippedTimeIsRefusedAndARepeatedOneIsItsFirstOccurrence() throws {
        #expect(throws: ScheduleTime.Problem.missingLocalTime(text: "tomorrow 02:30", local: "2026-03-29", zone: "Europe/Berlin")) {
            try resolve("tomorrow 02:30", now: "2026-03-28T10:00+01:00")
        }
        #expect(try resolve("tomorrow 02:30", now: "2026-10-24T10:00+02:00") == "2026-10-25T02:30:00+02:00")
    }

    @Test func thePastAndBeyondTheHorizonAreRefused() throws {
        #expect(throws: ScheduleTime.Problem.past(text: "today 09:00", local: "2026-12-06T09:00:00+01:00")) {
            try resolve("today 09:00", now: "2026-12-06T10:00+01:00")
        }
        #expect(throws: ScheduleTime.Problem.past(text: "2026-12-01 10:00", local: "2026-12-01T10:00:00+01:00")) {
            try resolve("2026-12-01 10:00", now: "2026-12-06T10:00+01:00")
        }
        #expect(throws: ScheduleTime.Problem.beyondHorizon(text: "2027-02-01 10:00", local: "2027-02-01T10:00:00+01:00",
                                                           horizon: "30d")) {
            try resolve("2027-02-01 10:00", now: "2026-12-06T10:00+01:00")
        }
        #expect(try resolve("2027-02-01 10:00", now: "2026-12-06T10:00+01:00", horizon: 90 * 24 * 60)
                == "2027-02-01T10:00:00+01:00")
        let utc = TimeZone(identifier: "UTC") ?? .current
        #expect(try resolve("2026-12-07 10:00", now: "2026-12-06T10:00+01:00", zone: utc) == "2026-12-07T10:00:00Z")
    }
}
