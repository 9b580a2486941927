import Media
@testable import IVRApp
import Testing
import Wire

/// WhatsApp's answer cannot be used, or media does not connect after it: the call is terminated.
@Suite struct OutboundAnswerProblemsTests {
    @Test func anUnusableAnswerEndsAndTerminates() {
        var d = MachineDriver.placing(.ringing)
        d.feed(.answer(sdp: "v=0"))
        d.feed(.answerRefused("the answer's audio m-line has a=setup:actpass"))
        #expect(d.log.last?.finalizeReason?.code == "answer_refused")
        #expect(d.log.last?.finalizeReason?.sendsTerminate == true)
    }

    @Test func mediaNotConnectedWithinTheWindow() {
        var d = MachineDriver.placing(.answered)
        d.advance(by: .seconds(19))
        #expect(d.machine.state == .answered)
        d.advance(by: .seconds(1))
        #expect(d.log.contains(.closeMedia(.local(.setupAbandoned("media did not connect after the answer")))))
        guard case .media(.connectTimeout)? = d.log.last?.finalizeReason else {
            Issue.record("expected a media set-up failure, got \(d.log)")
            return
        }
        #expect(d.log.last?.finalizeReason?.sendsTerminate == true)
    }

    @Test func mediaClosingAfterTheAnswerEndsTheCall() {
        var d = MachineDriver.placing(.answered)
        d.feed(.mediaClosed(MachineDriver.consentLost))
        #expect(d.machine.state == .ending)
        #expect(d.log.last?.isFinalize == true)
    }
}
