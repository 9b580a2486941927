import Foundation
@testable import IVRApp
import IVRTesting
import Store
import Testing

/// Calls a crashed process left unfinalized are finalized at the next start, once, as `interrupted`,
/// with an outcome line; a follow-up goes out only where a rule of their flow matches.
@Suite(.serialized) struct InterruptedCallsTests {
    @Test func leftoverCallsAreFinalizedOnceAsInterrupted() async throws {
        let main = try String(contentsOf: Fixtures.repositoryRoot().appendingPathComponent("Flows/main.yaml"), encoding: .utf8)
        let h = try await CallHarness(flows: ["main": main])
        let before = Date(timeIntervalSinceNow: -60)
        let version = try #require(h.catalog.flow(named: "main")?.versionHash)
        for (id, choice) in [("wacid.CRASH-MENU", nil), ("wacid.CRASH-SUPPORT", "\"2\"")] as [(String, String?)] {
            var row = CallRecord(id: id, phoneNumberID: CallHarness.number, caller: CallHarness.caller, flow: "main",
                                 status: .accepted, receivedAt: before, connectedAt: before)
            row.flowVersion = version
            if let choice { row.variablesJSON = "{\"choice\":\(choice.debugDescription)}" }
            try await h.store.insertCall(row)
            try await h.store.recordEvent(callID: id, kind: .step, detail: "welcome", at: before)
            try await h.store.recordEvent(callID: id, kind: .step, detail: "menu", at: before)
        }
        await h.service.reconcileInterrupted()
        await h.service.reconcileInterrupted()  // a second start finds nothing left
        for id in ["wacid.CRASH-MENU", "wacid.CRASH-SUPPORT"] {
            let row = try #require(try await h.row(id))
            #expect(row.finalizedAt != nil)
            #expect(row.endReason == "interrupted")
            #expect(row.status == .failed)
            #expect(row.path == ["welcome", "menu"])
        }
        #expect(h.lines.outcomes.count == 2)
        let queued = try await h.store.outboxMessages(statuses: [.pending, .sending, .sent])
        #expect(queued.map(\.callID) == ["wacid.CRASH-SUPPORT"])  // only the rule for a caller who chose 2
        #expect(h.graphActions("terminate").isEmpty)
        await h.close()
    }
}
