import Flow
@testable import IVRApp
import Testing
import Wire

/// A call whose flow never ends (a menu that loops on itself, a caller who never hangs up) is ended when it
/// reaches `server.max_call_seconds`, counted from the flow's start: the flow is stopped, the call finalized as
/// `time_limit` and terminated at WhatsApp, so it no longer holds a port and a slot under `max_calls`.
@Suite struct TimeLimitTests {
    @Test func aCallThatRunsPastItsLimitIsEnded() {
        var timing = CallMachine.Timing()
        timing.maxCallDuration = .seconds(3600)
        var d = MachineDriver(timing: timing)
        for input: CallMachine.Input in [.start, .mediaAnswered, .graphSucceeded(.preAccept), .mediaConnected("x"),
                                         .graphSucceeded(.accept), .flowStarted] {
            d.feed(input)
        }
        #expect(d.machine.nextDeadline() == d.now + .seconds(3600))
        d.advance(by: .seconds(3599))
        #expect(d.machine.state == .running)
        d.advance(by: .seconds(1))
        #expect(d.log.contains(.stopFlow(.mediaFailed("the call reached its time limit"))))
        d.feed(.flowFinished(MachineDriver.outcome(.mediaFailed)))
        let reason = d.log.last?.finalizeReason
        #expect(reason == .timeLimit(.seconds(3600)))
        #expect(reason?.code == "time_limit")
        #expect(reason?.status == .failed)
        #expect(reason?.sendsTerminate == true)
        #expect(reason?.errorCode == "time_limit")
    }

    @Test func theDrainDeadlineStillComesFirstWhenItIsEarlier() {
        var d = MachineDriver.at(.running)
        d.feed(.drain(deadline: d.now + .seconds(30)))
        #expect(d.machine.nextDeadline() == d.now + .seconds(30))
    }
}
