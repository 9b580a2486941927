import Foundation
@testable import IVRApp
import Testing

/// A campaign at 2/s with 5 due rows: one row per half second, in order, the next deadline naming
/// when the next token comes; rows of no campaign keep their own pace beside it.
@Suite struct PacingTwoPerSecondTests {
    @Test func rowsArePlacedOneEveryHalfSecond() throws {
        let now = DialerClock.local(2026, 3, 10, 10)
        let campaign = Dialer.Pacing(rate: try DialRate(parsing: "2/s"), window: DialerClock.window("09:00-18:00"))
        var dialer = Dialer(standalone: Dialer.Pacing(rate: DialRate(count: 5, period: 1)))
        let due = (1...5).map { Dialer.Due(id: "r\($0)", campaignID: "c1") } + [Dialer.Due(id: "api1")]
        var placed: [String] = []
        var t = now
        var first = dialer.plan(due: due, pacing: ["c1": campaign], now: t)
        #expect(first.claim == ["r1", "api1"], "one campaign row and the standalone row at once")
        #expect(first.nextDeadline == now.addingTimeInterval(0.5))
        placed += first.claim
        // Later looks: at each deadline exactly one more campaign row.
        for _ in 0..<4 {
            let rest = due.filter { !placed.contains($0.id) }
            // A look before the deadline claims nothing.
            first = dialer.plan(due: rest, pacing: ["c1": campaign], now: t.addingTimeInterval(0.2))
            #expect(first.claim.isEmpty)
            t = t.addingTimeInterval(0.5)
            let plan = dialer.plan(due: rest, pacing: ["c1": campaign], now: t)
            #expect(plan.claim.count == 1)
            placed += plan.claim
        }
        #expect(placed == ["r1", "api1", "r2", "r3", "r4", "r5"])
        #expect(t.timeIntervalSince(now) == 2.0, "5 rows at 2/s take 2 s after the first")
    }
}
