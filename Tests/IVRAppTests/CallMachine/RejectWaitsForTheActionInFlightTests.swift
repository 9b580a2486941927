@testable import IVRApp
import Media
import Wire
import Testing

/// Media gives up while `pre_accept` (or `accept`) is still on its way: the `reject` waits for that
/// action's answer, so WhatsApp never receives a reject before the action it refuses.
@Suite struct RejectWaitsForTheActionInFlightTests {
    @Test func mediaFailsWhilePreAcceptIsInFlight() {
        var d = MachineDriver.at(.answering)
        d.feed(.mediaAnswered)  // pre_accept sent, not answered yet
        let closed = d.feed(.mediaClosed(.connectTimeout(phase: "ICE", after: .seconds(2))))
        #expect(closed.allSatisfy { $0.graphStep == nil }, "\(closed)")
        #expect(d.machine.state == .ending)
        #expect(d.feed(.graphSucceeded(.preAccept)) == [.graph(.reject, deadline: MachineDriver.start + .seconds(30))])
        let end = d.feed(.graphSucceeded(.reject))
        guard case .rejected(let reason, nil)? = end.last?.finalizeReason else {
            Issue.record("expected a rejection, got \(end)")
            return
        }
        #expect(reason.hasPrefix("media did not connect"))
    }

    @Test func mediaFailsWhileAcceptIsInFlightAndTheAcceptFails() {
        var d = MachineDriver.at(.mediaConnected)  // accept on its way
        #expect(d.feed(.mediaClosed(.peerClosed)).allSatisfy { $0.graphStep == nil })
        #expect(d.feed(.graphFailed(.accept, "HTTP 500")).contains { $0.graphStep == .reject })
    }
}
