import Media
@testable import IVRApp
import Testing

/// ICE consent lost mid-call (the caller's network went away): typed from the ICE agent to the
/// stored end reason, with no string matching on the way.
@Suite struct ConsentLossTests {
    @Test func consentLossEndsTheCallAsConsentLost() {
        var d = MachineDriver.at(.running)
        d.feed(.mediaClosed(MachineDriver.consentLost))
        d.feed(.flowFinished(MachineDriver.outcome(.mediaFailed)))
        d.advance(by: .seconds(2))
        let reason = d.log.last?.finalizeReason
        #expect(reason == .media(MachineDriver.consentLost))
        #expect(reason?.code == "consent_lost")
        #expect(reason?.status == .failed)
        #expect(reason?.sendsTerminate == true)
    }

    @Test func consentLossBeforeAcceptIsARejection() {
        var d = MachineDriver.at(.preAccepted)
        let actions = d.feed(.mediaClosed(MachineDriver.consentLost))
        #expect(actions.contains { $0.graphStep == .reject })
    }
}
