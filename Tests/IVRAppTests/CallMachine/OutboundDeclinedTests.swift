@testable import IVRApp
import Testing

/// The user declines (status REJECTED): `declined`, counted as unanswered, no `terminate` (WhatsApp ended it).
@Suite struct OutboundDeclinedTests {
    @Test func rejectedStatusEndsTheCall() {
        var d = MachineDriver.placing(.ringing)
        let actions = d.feed(.progress(.rejected))
        #expect(actions.first == .journal(.event(.status, "REJECTED")))
        #expect(actions.contains(.recordAttempt(answered: false)))
        #expect(d.log.last?.outboundEnd == .declined)
        #expect(d.log.last?.finalizeReason?.sendsTerminate == false)
        #expect(d.log.last?.finalizeReason?.code == "declined")
    }
}
