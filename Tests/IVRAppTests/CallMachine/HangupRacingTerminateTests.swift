@testable import IVRApp
import Testing

/// The flow hangs up while WhatsApp's terminate is on its way: whichever the machine sees first, the
/// call is finalized once; WhatsApp's figures are still stored when its webhook comes second.
@Suite struct HangupRacingTerminateTests {
    @Test func terminateDuringTheGoodbyePlayoutWins() {
        var d = MachineDriver.at(.running)
        d.feed(.flowHungUp(.completed))
        d.feed(.flowFinished(MachineDriver.outcome(.completed)))
        #expect(d.log.allSatisfy { !$0.isFinalize })  // the goodbye plays out first
        let actions = d.feed(.terminated(MachineDriver.terminate()))
        #expect(actions.contains(.closeMedia(.local(.terminatedByWhatsApp))))
        #expect(actions.last?.finalizeReason == .whatsApp(status: .completed))
        d.advance(by: .seconds(1))
        #expect(d.log.filter(\.isFinalize).count == 1)
    }

    @Test func terminateAfterOurHangUpOnlyAddsItsFigures() {
        var d = MachineDriver.at(.running)
        d.feed(.flowHungUp(.other("transferred")))
        d.feed(.flowFinished(MachineDriver.outcome(.completed)))
        d.advance(by: .milliseconds(400))
        #expect(d.log.last?.finalizeReason == .hangup(.other("transferred")))
        let t = MachineDriver.terminate()
        #expect(d.feed(.terminated(t)) == [.recordTerminate(t)])
        d.feed(.finalized)
        #expect(d.feed(.terminated(t)) == [.recordTerminate(t)])
        #expect(d.log.filter(\.isFinalize).count == 1)
    }

    @Test func theFlowsOutcomeTravelsWithTheEnding() {
        var d = MachineDriver.at(.running)
        let outcome = MachineDriver.outcome(.completed, variables: ["choice": .string("2"), "tries": .number(1)])
        d.feed(.flowHungUp(.completed))
        d.feed(.flowFinished(outcome))
        d.advance(by: .milliseconds(400))
        #expect(d.log.last == .finalize(.hangup(.completed), outcome))
    }
}
