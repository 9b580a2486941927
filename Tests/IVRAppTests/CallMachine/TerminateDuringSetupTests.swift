@testable import IVRApp
import Testing

/// WhatsApp's terminate while we are still answering: nothing more is sent to set the call up, no
/// `reject` rewrites it, the media is closed, and the call ends once with WhatsApp's status.
@Suite struct TerminateDuringSetupTests {
    @Test(arguments: [CallMachine.State.received, .answering, .preAccepted, .mediaConnected, .accepted])
    func terminateInASetUpState(state: CallMachine.State) {
        var d = MachineDriver.at(state)
        let actions = d.feed(.terminated(MachineDriver.terminate(.failed)))
        #expect(d.machine.state == .ending)
        #expect(!actions.contains { $0.graphStep != nil }, "\(actions)")
        // The media exists from the SDP answer on (`answering` reaches `preAccepted` with it).
        if [.preAccepted, .mediaConnected, .accepted].contains(state) { #expect(actions.contains(.closeMedia(.local(.terminatedByWhatsApp)))) }
        #expect(actions.last?.finalizeReason == .whatsApp(status: .failed))
        // A pre_accept or accept answered late changes nothing.
        #expect(d.feed(.graphSucceeded(.preAccept)).isEmpty)
        #expect(d.feed(.graphSucceeded(.accept)).isEmpty)
        d.feed(.finalized)
        #expect(d.machine.state == .finalized)
        #expect(d.log.last == .exit)
    }

    @Test func aTerminateWhileTheAnswerIsBeingBuiltClosesTheMediaItGot() {
        var d = MachineDriver.at(.answering)
        d.feed(.mediaAnswered)  // the answer exists, pre_accept is on its way
        let actions = d.feed(.terminated(MachineDriver.terminate()))
        #expect(actions.contains(.closeMedia(.local(.terminatedByWhatsApp))))
        #expect(actions.last?.finalizeReason == .whatsApp(status: .completed))
    }
}
