import Flow
@testable import IVRApp
import Testing
import Wire

/// The server drains: a running flow moves to its drain step, a call still in set-up is answered and
/// drained as soon as its flow starts, and whatever still runs at the deadline is ended as `shutdown`.
@Suite struct DrainTests {
    @Test func aRunningCallJumpsToItsDrainStepAndEndsAsShutdown() {
        var d = MachineDriver.at(.running)
        let actions = d.feed(.drain(deadline: d.now + .seconds(30)))
        #expect(actions.contains(.drainFlow))
        d.feed(.flowHungUp(.completed))  // the goodbye step
        d.feed(.flowFinished(MachineDriver.outcome(.completed)))
        d.advance(by: .milliseconds(400))
        let reason = d.log.last?.finalizeReason
        #expect(reason == .shutdown(.completed))
        #expect(reason?.code == "shutdown")
        #expect(reason?.sendsTerminate == true)
    }

    @Test func theDeadlineEndsWhatStillRuns() {
        var d = MachineDriver.at(.running)
        d.feed(.drain(deadline: d.now + .seconds(30)))
        d.advance(by: .seconds(29))
        #expect(d.machine.state == .running)
        d.advance(by: .seconds(1))
        #expect(d.log.last == .stopFlow(.shutdown))
        d.feed(.flowFinished(MachineDriver.outcome(.shutdown)))
        #expect(d.log.last == .finalize(.shutdown(nil), MachineDriver.outcome(.shutdown)))
    }

    @Test func aCallInSetUpIsDrainedWhenItsFlowStarts() {
        var d = MachineDriver.at(.preAccepted)
        d.feed(.drain(deadline: d.now + .seconds(30)))
        #expect(!d.log.contains(.drainFlow))
        d.feed(.mediaConnected("x"))
        d.feed(.graphSucceeded(.accept))
        #expect(d.feed(.flowStarted) == [.drainFlow])
    }

    @Test func aCallStillInSetUpAtTheDeadlineIsRejected() {
        var d = MachineDriver.at(.preAccepted)
        d.feed(.drain(deadline: d.now + .seconds(5)))
        d.advance(by: .seconds(5))
        #expect(d.log.contains { $0.graphStep == .reject })
        d.feed(.graphSucceeded(.reject))
        #expect(d.log.last?.finalizeReason == .rejected(reason: "the server is shutting down", rejectFailed: nil))
    }

    @Test func aSecondDrainOnlyShortensTheDeadline() {
        var d = MachineDriver.at(.running)
        d.feed(.drain(deadline: d.now + .seconds(30)))
        #expect(d.feed(.drain(deadline: d.now)).isEmpty)
        #expect(d.machine.drainDeadline == d.now)
        d.advance(by: .zero)
        #expect(d.log.last == .stopFlow(.shutdown))
    }
}
