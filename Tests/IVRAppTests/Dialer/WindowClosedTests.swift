import Foundation
@testable import IVRApp
import Testing

/// Rows due outside their campaign's window are postponed to its next opening (today's, or
/// tomorrow's once it closed), and an overnight window spans midnight.
@Suite struct WindowClosedTests {
    @Test func beforeAndAfterTheWindowRowsWaitForTheOpening() throws {
        let window = try #require(DialerClock.window("09:00-18:00"))
        let pacing = ["c1": Dialer.Pacing(rate: DialRate(count: 5, period: 1), window: window)]
        var dialer = Dialer(standalone: Dialer.Pacing(rate: DialRate(count: 5, period: 1)))
        let early = DialerClock.local(2026, 3, 10, 7, 30)
        let plan = dialer.plan(due: [Dialer.Due(id: "r1", campaignID: "c1")], pacing: pacing, now: early)
        #expect(plan.claim.isEmpty)
        #expect(plan.postpone.map(\.until) == [DialerClock.local(2026, 3, 10, 9)])
        let late = DialerClock.local(2026, 3, 10, 18, 0)
        #expect(!window.contains(late), "the end is not inside")
        let after = dialer.plan(due: [Dialer.Due(id: "r1", campaignID: "c1")], pacing: pacing, now: late)
        #expect(after.postpone.map(\.until) == [DialerClock.local(2026, 3, 11, 9)])
        let open = dialer.plan(due: [Dialer.Due(id: "r1", campaignID: "c1")], pacing: pacing,
                               now: DialerClock.local(2026, 3, 11, 9))
        #expect(open.claim == ["r1"] && open.postpone.isEmpty)
    }

    @Test func anOvernightWindowRunsOverMidnight() throws {
        let window = try #require(DialerClock.window("20:00-08:00", "America/New_York"))
        let ny = try #require(TimeZone(identifier: "America/New_York"))
        #expect(window.contains(DialerClock.local(2026, 3, 10, 23, in: ny)))
        #expect(window.contains(DialerClock.local(2026, 3, 11, 7, 59, in: ny)))
        #expect(!window.contains(DialerClock.local(2026, 3, 11, 8, in: ny)))
        #expect(window.nextOpening(atOrAfter: DialerClock.local(2026, 3, 11, 12, in: ny))
            == DialerClock.local(2026, 3, 11, 20, in: ny))
    }
}
