import Foundation
@testable import Flow
import Testing

/// Scenario: a caller asks to be called tomorrow at 10. The call starts on Saturday 28 March 2026 at 18:00 CET
/// (the night Berlin springs forward); after a 3-second prompt the `schedule_call` step asks the call layer to
/// record a call into `reminder` for 10:00 CEST on Sunday, with the caller's name, then waits for the answer;
/// the answer moves the call on with `vars.scheduled_at`, which the next `say:` reads.
@Suite struct EngineScheduleCallTests {
    static let yaml = """
        name: booking
        start: hello
        vars:
          name: Ana
        steps:
          hello:
            play: welcome
            next: book
          book:
            schedule_call:
              flow: reminder
              at: "tomorrow 10:00"
              tz: Europe/Berlin
              vars: { name: "{{vars.name}}", source: booking }
            next: thanks
          thanks:
            play:
              say: "We will call you at {{vars.scheduled_at}}."
            next: end
          end: { hangup: completed }
        """

    @Test func theStepAsksTheCallLayerThenGoesOnWithTheTime() throws {
        let flow = try mustLoad(Self.yaml)
        let start = try SimulatedMoment.parse("2026-03-28T18:00+01:00")
        var engine = FlowEngine(flow: flow, call: CallInfo(callID: "wacid.A", from: "+49 170 1234567", phoneNumberID: "100",
                                                           startedAt: start), now: instant(50))
        engine.handle(.started, now: instant(50))
        #expect(engine.pollAction() == .play(prompts: ["welcome"], bargeIn: false))
        #expect(engine.pollAction() == nil)

        engine.handle(.promptFinished, now: instant(53))
        let expected = ScheduledCallRequest(
            id: "wacid.A/book/1", step: "book", to: "491701234567", flow: "reminder",
            at: try SimulatedMoment.parse("2026-03-29T10:00+02:00"), variables: ["name": "Ana", "source": "booking"],
            localTime: "2026-03-29T10:00:00+02:00")
        #expect(engine.pollAction() == .scheduleCall(expected))
        #expect(engine.pollAction() == nil)
        #expect(engine.currentStep == "book")
        #expect(engine.nextDeadline() == instant(63))

        // A stale or unknown answer changes nothing.
        engine.handle(.callScheduled(id: "wacid.A/book/0"), now: instant(53.1))
        #expect(engine.pollAction() == nil)

        engine.handle(.callScheduled(id: expected.id), now: instant(53.2))
        var actions: [FlowAction] = []
        while let a = engine.pollAction() { actions.append(a) }
        #expect(actions == [
            .setVariable(name: "scheduled_at", value: .string("2026-03-29T10:00:00+02:00")),
            .say(text: "We will call you at 2026-03-29T10:00:00+02:00.", voice: "rms", language: "en-us", bargeIn: false),
        ])
        engine.handle(.promptFinished, now: instant(56))
        #expect(engine.outcome?.path.map(\.exit) == [.next, .scheduled("2026-03-29T10:00:00+02:00"), .next, .hangup("completed")])
    }
}
