import Foundation
@testable import Flow
import Testing

/// Scenario: `schedule_call` steps that cannot schedule. A templated time that turns out unreadable or in the
/// past goes to `on_error` at once with `vars.schedule_error`; a store that refuses, or does not answer within
/// the engine's wait, does the same once the answer (or the deadline) comes.
@Suite struct EngineScheduleErrorTests {
    static let yaml = """
        name: booking
        start: book
        steps:
          book:
            schedule_call:
              flow: reminder
              at: "{{vars.when}}"
              to: "{{vars.number}}"
              on_error: sorry
            next: thanks
          thanks: { hangup: booked }
          sorry: { hangup: not_booked }
        """

    func run(when: String, number: String = "15550001111") throws -> FlowEngine {
        let flow = try mustLoad(Self.yaml)
        var engine = FlowEngine(flow: flow, call: CallInfo(callID: "c1", from: "15550001111", phoneNumberID: "100",
                                                           startedAt: try SimulatedMoment.parse("2026-12-06T12:00Z")),
                                now: instant(0))
        engine.preset(["when": when, "number": number])
        engine.handle(.started, now: instant(0))
        return engine
    }

    @Test func anUnreadableOrPastTimeTakesOnErrorAtOnce() throws {
        let unreadable = try run(when: "sometime")
        #expect(unreadable.outcome?.reason == "not_booked")
        #expect(unreadable.variables["schedule_error"]
                == .string("cannot read the time 'sometime': expected \(ScheduleTime.atForms)"))
        let past = try run(when: "today 11:00")
        #expect(past.outcome?.reason == "not_booked")
        #expect(past.variables["schedule_error"] == .string("the time 'today 11:00' (2026-12-06T11:00:00Z) is in the past"))
        let noNumber = try run(when: "13:00", number: "call me")
        #expect(noNumber.outcome?.reason == "not_booked")
    }

    @Test func aRefusalOrNoAnswerTakesOnError() throws {
        var refused = try run(when: "13:00")
        guard case let .scheduleCall(request)? = refused.pollAction() else {
            Issue.record("no scheduleCall action")
            return
        }
        #expect(request.to == "15550001111")
        refused.handle(.scheduleFailed(id: request.id, reason: "this store keeps no scheduled calls"), now: instant(0.01))
        #expect(refused.outcome?.reason == "not_booked")
        #expect(refused.outcome?.path.map(\.exit) == [.scheduleError("this store keeps no scheduled calls"), .hangup("not_booked")])

        var silent = try run(when: "13:00")
        silent.handleTimeout(now: instant(9.9))
        #expect(silent.outcome == nil)
        silent.handleTimeout(now: instant(10))
        #expect(silent.outcome?.reason == "not_booked")
        #expect(silent.variables["schedule_error"] == .string("the store did not answer within 10s"))
    }

    @Test func withoutAWallClockNothingIsScheduled() throws {
        let flow = try mustLoad(Self.yaml)
        var engine = FlowEngine(flow: flow, call: CallInfo(callID: "c1", from: "15550001111", phoneNumberID: "100"), now: instant(0))
        engine.preset(["when": "13:00"])
        engine.handle(.started, now: instant(0))
        #expect(engine.outcome?.reason == "not_booked")
    }
}
