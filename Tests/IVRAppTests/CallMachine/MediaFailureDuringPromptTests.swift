import Media
import Wire
@testable import IVRApp
import Testing

/// The media dies while a prompt plays: the flow is stopped (its outcome kept), WhatsApp gets a
/// short grace to send its terminate (which carries the real status), then the call ends as a media failure.
@Suite struct MediaFailureDuringPromptTests {
    @Test func withoutWhatsAppsWordTheCallEndsAsAMediaFailure() {
        var d = MachineDriver.at(.running)
        let actions = d.feed(.mediaClosed(.dtls(reason: "fatal alert")))
        #expect(actions == [.stopFlow(.mediaFailed("DTLS failed: fatal alert"))])
        d.feed(.flowHungUp(.mediaFailed))  // the engine's own hang-up changes nothing
        d.feed(.flowFinished(MachineDriver.outcome(.mediaFailed)))
        #expect(d.log.allSatisfy { !$0.isFinalize })
        #expect(d.machine.nextDeadline() == d.now + .seconds(2))
        d.advance(by: .seconds(2))
        let reason = d.log.last?.finalizeReason
        #expect(reason == .media(.dtls(reason: "fatal alert")))
        #expect(reason?.code == "media_failure")
        #expect(!d.log.contains { if case .closeMedia = $0 { return true } else { return false } })  // it is closed
    }

    @Test func whatsAppsTerminateWithinTheGraceSettlesIt() {
        var d = MachineDriver.at(.running)
        d.feed(.mediaClosed(.peerClosed))
        d.feed(.flowFinished(MachineDriver.outcome(.mediaFailed)))
        d.advance(by: .seconds(1))
        let actions = d.feed(.terminated(MachineDriver.terminate()))
        #expect(actions.last?.finalizeReason == .whatsApp(status: .completed))
    }
}
