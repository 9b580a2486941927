@testable import IVRApp
import Testing

/// `accept` fails after media connected: the call is refused with `reject`, its media closed, and it
/// is finalized as rejected once WhatsApp answers the reject (or as failed when the reject fails too).
@Suite struct AcceptFailingTests {
    @Test func aFailedAcceptIsRejected() {
        var d = MachineDriver.at(.mediaConnected)
        let actions = d.feed(.graphFailed(.accept, "HTTP 400 code 138000"))
        #expect(actions.contains(.closeMedia(.local(.setupAbandoned("accept failed: HTTP 400 code 138000")))))
        #expect(actions.contains { $0.graphStep == .reject })
        #expect(actions.allSatisfy { !$0.isFinalize })
        let end = d.feed(.graphSucceeded(.reject))
        #expect(end.last?.finalizeReason == .rejected(reason: "accept failed: HTTP 400 code 138000", rejectFailed: nil))
        #expect(end.last?.finalizeReason?.status == .rejected)
    }

    @Test func aFailedRejectIsRecordedAsAFailure() {
        var d = MachineDriver.at(.answering)
        d.feed(.graphFailed(.preAccept, "timeout"))
        let end = d.feed(.graphFailed(.reject, "HTTP 500"))
        let reason = end.last?.finalizeReason
        #expect(reason == .rejected(reason: "pre_accept failed: timeout", rejectFailed: "HTTP 500"))
        #expect(reason?.status == .failed)
        #expect(reason?.sendsTerminate == false)
    }
}
