@testable import IVRApp
import Testing
import Wire

/// Nobody answers: at the ring timeout the attempt counts as unanswered and the call ends with
/// `no_answer`, which sends `terminate` (the call is up at WhatsApp).
@Suite struct OutboundNoAnswerTests {
    @Test func theRingTimeoutEndsTheCallAndCountsIt() {
        var timing = CallMachine.Timing()
        timing.ringTimeout = .seconds(30)
        var d = MachineDriver.outbound(timing: timing)
        for input: CallMachine.Input in [.start, .permission(.call), .mediaOffered, .dialed(whatsAppCallID: "wacid.N")] {
            d.feed(input)
        }
        d.log.removeAll()
        d.advance(by: .seconds(29))
        #expect(d.machine.state == .ringing && d.log.isEmpty)
        d.advance(by: .seconds(1))
        #expect(d.log.contains(.recordAttempt(answered: false)))
        #expect(d.log.last?.outboundEnd == .noAnswer(.seconds(30)))
        let reason = d.log.last?.finalizeReason
        #expect(reason?.code == "no_answer")
        #expect(reason?.sendsTerminate == true)
        #expect(reason?.status == .failed)
        d.feed(.finalized)
        #expect(d.machine.state == .finalized && d.log.last == .exit)
    }

    /// WhatsApp gives up first (its terminate while ringing): unanswered too, WhatsApp's status kept.
    @Test func aTerminateWhileRingingCountsAsUnanswered() {
        var d = MachineDriver.placing(.ringing)
        d.feed(.terminated(MachineDriver.terminate(.failed)))
        #expect(d.log.contains(.recordAttempt(answered: false)))
        guard case .whatsApp(.failed)? = d.log.last?.finalizeReason else {
            Issue.record("expected WhatsApp's ending, got \(d.log)")
            return
        }
    }
}
