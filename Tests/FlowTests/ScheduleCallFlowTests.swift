import Foundation
@testable import Flow
import Testing

/// `schedule_call` and `callback` around the engine: the graph, the simulator, follow-up rules and the
/// folder-level check that named flows exist.
@Suite struct ScheduleCallFlowTests {
    @Test func theGraphDrawsTheStepAndItsErrorEdge() throws {
        let text = FlowGraph.dot(try loadExample("callback"))
        #expect(text.contains(#"    "book" [shape=box, label="book\nschedule call → support-callback\nat tomorrow 10:00"];"#))
        #expect(text.contains(#"    "book" -> "not_booked" [label="error"];"#))
        #expect(text.contains(#"    "book" -> "booked";"#))
    }

    @Test func theSimulatorSaysWhatItWouldSchedule() throws {
        let flow = try loadExample("callback")
        let call = CallInfo(callID: "sim", from: "4915112345678", phoneNumberID: "100000000000004",
                            startedAt: try SimulatedMoment.parse("2026-10-24T18:00+02:00"))
        let booked = FlowSimulator(flow: flow, call: call).run([.digits("1")])
        #expect(booked.transcript.contains("would schedule a call to +4915112345678 at 2026-10-25T10:00:00+01:00 "
                                           + "into flow 'support-callback' with reason=\"booked by the caller\""))
        #expect(booked.variables["scheduled_at"] == .string("2026-10-25T10:00:00+01:00"))
        #expect(booked.outcome?.status == .completed)
        #expect(booked.followup == nil)

        let hungUp = FlowSimulator(flow: flow, call: call).run([.wait(.seconds(3)), .hangup])
        #expect(hungUp.followup == .callback(flow: "support-callback", variables: ["reason": "hung up in menu"], delayMinutes: 5))
        #expect(hungUp.transcript.contains("follow-up: would schedule a callback to +4915112345678 in 5m into flow "
                                           + "'support-callback' with reason=\"hung up in menu\""))
    }

    @Test func aCallbackRuleIsChosenLikeAnyOther() throws {
        let flow = try mustLoad("""
        name: f
        start: a
        steps:
          a: { hangup: done }
        followup:
          - when: outcome.status == "completed"
            voice_call: { body: "Thanks" }
          - callback: { flow: back, vars: { step: "{{outcome.last_step}}" } }
        """)
        let call = CallInfo(callID: "c", from: "155", phoneNumberID: "1")
        let hungUp = FlowOutcome(status: .callerHungUp, reason: "", lastStep: "queue", path: [], variables: [:], endedAt: instant(0))
        #expect(flow.followup(outcome: hungUp, variables: [:], call: call)
                == .callback(flow: "back", variables: ["step": "queue"], delayMinutes: 0))
    }

    @Test func theFolderCheckNamesAFlowThatDoesNotExist() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("schedule-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        name: asks
        start: book
        steps:
          book:
            schedule_call: { flow: remindr, in: 2h }
            next: end
          end: { hangup: completed }
        followup:
          - callback: { flow: nobody }
        """.write(toFile: dir + "/asks.yaml", atomically: true, encoding: .utf8)
        try """
        name: reminder
        start: end
        steps:
          end: { hangup: completed }
        """.write(toFile: dir + "/reminder.yaml", atomically: true, encoding: .utf8)
        let (flows, diagnostics) = FlowLoader.loadDirectory(dir, promptsDirectory: Paths.fixturePrompts)
        #expect(flows.map(\.name) == ["reminder"])
        #expect(diagnostics.map { $0.description.replacingOccurrences(of: dir + "/", with: "") } == [
            "asks.yaml:5: step 'book': calls flow 'remindr', which is not in \(dir); did you mean 'reminder'?",
            "asks.yaml:9: calls flow 'nobody', which is not in \(dir); expected one of: asks, reminder",
        ])
    }
}
