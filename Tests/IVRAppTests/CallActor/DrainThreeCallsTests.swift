import Foundation
@testable import IVRApp
import IVRTesting
import Store
import Testing

/// SIGTERM with three calls in different states: one in a menu of a flow with a drain step, one in a
/// flow without one, one still connecting. Each is finalized exactly once with the reason `shutdown`
/// and gets WhatsApp's `terminate`; the service returns once all are final.
@Suite(.serialized) struct DrainThreeCallsTests {
    static let withDrainStep = """
        name: support
        numbers: ["\(CallHarness.number)"]
        on_drain: bye
        start: menu
        steps:
          menu:
            menu:
              prompt: main_menu
              options:
                "1": { goto: bye }
              timeout: 60s
              retries: 5
              on_failure: bye
          bye:
            play: goodbye
            next: end
          end:
            hangup: completed
        """
    static let withoutDrainStep = """
        name: queue
        numbers: ["200"]
        start: menu
        steps:
          menu:
            menu:
              prompt: main_menu
              options:
                "1": { goto: end }
              timeout: 60s
              retries: 9
          end:
            hangup: completed
        """

    @Test func threeCallsInDifferentStatesAllEndAsShutdown() async throws {
        let h = try await CallHarness(flows: ["support": Self.withDrainStep, "queue": Self.withoutDrainStep],
                                      drainTimeout: .seconds(30))
        try await h.connect("wacid.A")
        _ = try await h.answer("wacid.A")
        try await h.connect("wacid.B", number: "200")
        _ = try await h.answer("wacid.B")
        try await h.connect("wacid.C")
        let c = try await h.channel("wacid.C")  // pre-accepted, media not yet connected
        let store = h.store
        #expect(try await eventually(attempts: 800) { try await store.call(id: "wacid.C")?.status == .preAccepted })
        #expect(h.service.activeCalls == 3)

        h.service.beginDrain()
        #expect(h.service.isDraining)
        #expect(try await h.connect("wacid.LATE") == false)  // no new call while draining
        c.connect()  // C finishes set-up during the drain and goes straight to its drain step
        // A and C say goodbye and hang up (their playout runs on the manual clock), B waits.
        for _ in 0..<100 {
            let a = try await store.call(id: "wacid.A")?.finalizedAt, c = try await store.call(id: "wacid.C")?.finalizedAt
            if a != nil && c != nil { break }
            h.clock.advance(by: .milliseconds(100))
            try await Task.sleep(for: .milliseconds(20))
        }
        let a = try #require(try await h.waitFinal("wacid.A"))
        let cRow = try #require(try await h.waitFinal("wacid.C"))
        #expect(try await h.row("wacid.B")?.finalizedAt == nil)
        // B's flow has no drain step: the drain deadline ends it.
        h.clock.advance(by: .seconds(31))
        let b = try #require(try await h.waitFinal("wacid.B"))
        for row in [a, b, cRow] {
            #expect(row.endReason == "shutdown", "\(row.id): \(row.endReason ?? "-")")
        }
        #expect(a.path.suffix(2) == ["bye", "end"])
        #expect(cRow.path.contains("bye"))
        #expect(a.status == .completed)
        #expect(b.status == .failed)
        // The terminate action follows each commit; the last one may still be on its way.
        #expect(try await eventually { Set(h.graphActions("terminate")) == ["wacid.A", "wacid.B", "wacid.C"] })
        #expect(h.graphActions("reject").isEmpty)
        let outcomes = h.lines.outcomes.compactMap { $0["call_id"] as? String }
        #expect(outcomes.sorted() == ["wacid.A", "wacid.B", "wacid.C"])
        let result = await h.runResult()
        #expect(result.map { if case .success = $0 { return true } else { return false } } == true)
        #expect(h.service.activeCalls == 0)
        await h.close()
    }
}
