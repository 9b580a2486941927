import Foundation
@testable import IVRApp
import IVRTesting
import Store
import Testing

/// The funnel counted from calls the call service really ran (actors, engine, store; fake media, manual
/// clock): 6 calls, 3 press 1, 2 hang up in the menu, 1 gives no input and is sent to goodbye. Each
/// step's reach and end, why calls ended (`no_input` for the silent one) and how they left the menu come
/// from the `step` and `exit` events the calls wrote.
@Suite(.serialized) struct FunnelOfScriptedCallsTests {
    static let flow = """
        name: funnel
        numbers: ["\(CallHarness.number)"]
        start: menu
        steps:
          menu:
            menu:
              prompt: main_menu
              options:
                "1": { goto: sales }
              timeout: 5s
              retries: 0
              on_failure: goodbye
          sales:
            play: goodbye
            next: bye
          goodbye:
            play: goodbye
            next: bye
          bye:
            hangup: completed
        """

    /// Moves the manual clock on (timeouts, the pause before hanging up) until the call is final.
    func finish(_ h: CallHarness, _ id: String) async throws -> CallRecord? {
        for _ in 0..<60 where try await h.row(id)?.finalizedAt == nil {
            h.clock.advance(by: .milliseconds(500))
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await h.row(id)
    }

    @Test func sixCallsGiveTheFunnelTheyMade() async throws {
        let h = try await CallHarness(flows: ["funnel": Self.flow])
        for i in 0..<3 {
            let id = "wacid.KEY\(i)"
            try await h.connect(id)
            try await h.answer(id).press("1")
            #expect(try await finish(h, id)?.endReason == "hangup")
        }
        for i in 0..<2 {
            let id = "wacid.GONE\(i)"
            try await h.connect(id)
            _ = try await h.answer(id)
            #expect(h.terminate(id))
            #expect(try await finish(h, id)?.endReason == "terminate")
        }
        let silent = "wacid.SILENT"
        try await h.connect(silent)
        _ = try await h.answer(silent)
        #expect(try await finish(h, silent)?.endReason == "hangup")   // after the menu's 5 s timeout

        let f = try await h.store.funnel(flow: "funnel")
        #expect(f.calls == 6)
        #expect(f.step("menu")?.reached == 6)
        #expect(f.step("menu")?.ended == 2)
        #expect(f.step("menu")?.endedBy == ["caller_hung_up": 2])
        #expect(f.step("menu")?.leftBy == ["key 1": 3, "caller hung up": 2, "failure (no input)": 1])
        #expect(f.edge(from: "menu", to: "sales") == 3)
        #expect(f.edge(from: "menu", to: "goodbye") == 1)
        #expect(f.step("bye")?.reached == 4)
        #expect(f.step("bye")?.endedBy == ["completed": 3, "no_input": 1])
        let exits = try await h.store.events(callID: silent).filter { $0.kind == .exit }.map(\.detail)
        #expect(exits.first == "menu: failure (no input)", "\(exits)")
        await h.close()
    }
}
