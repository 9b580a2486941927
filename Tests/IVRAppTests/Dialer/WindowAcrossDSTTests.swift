import Foundation
@testable import IVRApp
import Testing

/// The window follows the zone's clock across daylight saving time: in Berlin 09:00 is 08:00 UTC in
/// winter and 07:00 UTC in summer; an opening inside the spring-forward gap moves to the first
/// valid time after it.
@Suite struct WindowAcrossDSTTests {
    @Test func theOpeningStaysAtLocalNineAcrossTheSpringChange() throws {
        let window = try #require(DialerClock.window("09:00-18:00"))
        let utc = try #require(TimeZone(identifier: "UTC"))
        // Saturday 28 March 2026, 19:00 local (CET): the next opening is Sunday 29 March, after the change (CEST).
        let saturdayEvening = DialerClock.local(2026, 3, 28, 19)
        let sunday = window.nextOpening(atOrAfter: saturdayEvening)
        #expect(sunday == DialerClock.local(2026, 3, 29, 7, in: utc))
        let friday = window.nextOpening(atOrAfter: DialerClock.local(2026, 3, 26, 19))
        #expect(friday == DialerClock.local(2026, 3, 27, 8, in: utc))
        #expect(sunday.timeIntervalSince(friday) == 2 * 86_400 - 3600, "the spring day is an hour short")
    }

    @Test func anOpeningInTheGapIsTheFirstValidTime() throws {
        let window = try #require(DialerClock.window("02:30-05:00"))
        // 02:30 does not exist on 29 March 2026 in Berlin (02:00 CET jumps to 03:00 CEST).
        let opening = window.nextOpening(atOrAfter: DialerClock.local(2026, 3, 29, 1))
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(opening >= DialerClock.local(2026, 3, 29, 1, in: utc), "not before 03:00 CEST")
        #expect(opening <= DialerClock.local(2026, 3, 29, 1, 30, in: utc))
        #expect(window.contains(opening))
    }
}
