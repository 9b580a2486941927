@testable import IVRApp
import Testing
import Wire

/// One accept window, counted once from the webhook's receipt: `pre_accept`, `accept` and `reject`
/// all carry the same deadline, and set-up still unfinished at that deadline ends the call.
@Suite struct AcceptWindowTests {
    @Test func everySetUpActionHasTheDeadlineCountedFromReceipt() {
        var d = MachineDriver()
        let deadline = MachineDriver.start + .seconds(30)
        d.feed(.start)
        d.now = d.now + .seconds(3)  // handling started later than receipt
        #expect(d.feed(.mediaAnswered) == [.graph(.preAccept, deadline: deadline)])
        d.feed(.graphSucceeded(.preAccept))
        d.now = d.now + .seconds(5)
        #expect(d.feed(.mediaConnected("x")).contains(.graph(.accept, deadline: deadline)))
        #expect(d.machine.nextDeadline() == deadline)
        #expect(d.feed(.graphFailed(.accept, "HTTP 500")).contains(.graph(.reject, deadline: deadline)))
    }

    @Test func setUpUnfinishedAtTheDeadlineEndsTheCallWithoutGraphActions() {
        var d = MachineDriver.at(.preAccepted)
        d.advance(by: .seconds(29))
        #expect(d.machine.state == .preAccepted)
        d.advance(by: .seconds(1))
        #expect(d.machine.state == .ending)
        #expect(!d.log.contains { $0.graphStep != nil })
        #expect(d.log.contains { if case .closeMedia(.local(.setupAbandoned)) = $0 { return true } else { return false } })
        guard case .setupFailed? = d.log.last?.finalizeReason else {
            Issue.record("expected a set-up failure, got \(d.log)")
            return
        }
    }

    @Test func theWindowIsSetOnceFromTheTiming() {
        var timing = CallMachine.Timing()
        timing.acceptWindow = .seconds(10)
        var d = MachineDriver(timing: timing)
        d.feed(.start)
        #expect(d.machine.nextDeadline() == MachineDriver.start + .seconds(10))
    }
}
