import Foundation
@testable import Flow
import Testing

/// Scenario: a call starts at 01:59 CET on the night Europe/Berlin springs forward. After a 2-minute
/// prompt on the manual clock the `hours:` step sees 03:01 CEST (start time plus elapsed engine time,
/// read in the zone), so the Sunday 03:00-04:00 window is open; the decision lands in `into` and the path.
@Suite struct EngineHoursTests {
    static let yaml = """
        name: night
        start: hello
        steps:
          hello:
            play: welcome
            next: check
          check:
            hours:
              zone: Europe/Berlin
              weekly: { sun: "03:00-04:00" }
              open: open_line
              closed: closed_line
              into: opening
          open_line: { hangup: open }
          closed_line: { hangup: closed }
        """

    @Test func theWallClockAdvancesWithTheEngineClockAcrossTheChange() throws {
        let flow = try mustLoad(Self.yaml)
        let start = try SimulatedMoment.parse("2026-03-29T01:59+01:00")
        var engine = FlowEngine(flow: flow, call: CallInfo(callID: "c1", from: "1555", phoneNumberID: "100", startedAt: start),
                                now: instant(1000))
        engine.handle(.started, now: instant(1000))
        #expect(engine.pollAction() == .play(prompts: ["welcome"], bargeIn: false))
        #expect(engine.pollAction() == nil)
        engine.handle(.promptFinished, now: instant(1120))
        var actions: [FlowAction] = []
        while let a = engine.pollAction() { actions.append(a) }
        #expect(actions.first == .setVariable(name: "opening", value: .string("open")))
        #expect(actions.dropFirst().first == .hangup(.other("open")))
        #expect(engine.outcome?.path.map(\.exit) == [.next, .hours(.open), .hangup("open")])
        #expect(engine.wallClock(at: instant(1120)).map(SimulatedMoment.format) == "2026-03-29T01:01:00Z")
    }

    @Test func theSameMomentAnHourEarlierIsClosed() throws {
        let flow = try mustLoad(Self.yaml)
        let start = try SimulatedMoment.parse("2026-03-29T00:59+01:00")
        var engine = FlowEngine(flow: flow, call: CallInfo(callID: "c1", from: "1555", phoneNumberID: "100", startedAt: start),
                                now: instant(0))
        engine.handle(.started, now: instant(0))
        engine.handle(.promptFinished, now: instant(120))
        #expect(engine.outcome?.reason == "closed")
        #expect(engine.variables["opening"] == .string("closed"))
    }

    @Test func withoutAStartTimeTheStepTakesClosed() throws {
        let flow = try mustLoad(Self.yaml)
        var engine = FlowEngine(flow: flow, call: CallInfo(callID: "c1", from: "1555", phoneNumberID: "100"), now: instant(0))
        engine.handle(.started, now: instant(0))
        engine.handle(.promptFinished, now: instant(2))
        #expect(engine.outcome?.path.last?.step == "closed_line")
    }
}
