@testable import IVRApp
import Testing
import WhatsApp
import Wire

/// A call we place, answered: permission, offer, `connect`, ringing, WhatsApp's answer applied, media
/// connected; then it is an ordinary accepted call whose flow runs and hangs up.
@Suite struct OutboundAnsweredCallTests {
    @Test func fromPermissionToTheFlowsHangUp() {
        var d = MachineDriver.outbound()
        #expect(d.machine.state == .checkingPermission)
        #expect(d.feed(.start) == [.checkPermission])
        #expect(d.feed(.permission(.call)) == [.offerMedia])
        #expect(d.machine.state == .dialing)
        #expect(d.feed(.mediaOffered) == [.graph(.connect, deadline: nil)])
        d.feed(.dialed(whatsAppCallID: "wacid.OUT"))
        #expect(d.machine.state == .ringing)
        #expect(d.machine.whatsAppCallID == "wacid.OUT")
        #expect(d.machine.nextDeadline() == d.now + .seconds(45))
        #expect(d.feed(.progress(.ringing)) == [.journal(.event(.status, "RINGING"))])
        d.advance(by: .seconds(6))
        #expect(d.feed(.answer(sdp: "v=0 answer")).contains(.applyAnswer("v=0 answer")))
        #expect(d.machine.state == .answered)
        d.feed(.answerApplied)
        let connected = d.feed(.mediaConnected("192.0.2.17:3480 SRTP_AES128_CM_SHA1_80"))
        #expect(d.machine.state == .accepted)
        #expect(connected.contains(.journal(.accepted)))
        #expect(connected.contains(.recordAttempt(answered: true)))
        #expect(connected.last == .startFlow)
        d.feed(.flowStarted)
        #expect(d.feed(.progress(.accepted)) == [.journal(.event(.status, "ACCEPTED"))])  // audit only
        #expect(d.machine.state == .running)
        d.feed(.flowHungUp(.completed))
        d.feed(.flowFinished(MachineDriver.outcome(.completed)))
        d.advance(by: .milliseconds(400))
        guard case .hangup(.completed)? = d.log.last?.finalizeReason else {
            Issue.record("expected the flow's hang-up to end the call, got \(d.log)")
            return
        }
        #expect(d.log.last?.finalizeReason?.code == "hangup")
    }

    /// A second copy of the answer (a redelivered webhook) changes nothing.
    @Test func aSecondAnswerIsIgnored() {
        var d = MachineDriver.placing(.answered)
        #expect(d.feed(.answer(sdp: "another")).isEmpty)
        #expect(d.machine.state == .answered)
    }
}
