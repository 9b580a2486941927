@testable import IVRApp
import Testing
import Wire

/// No permission: the request goes out, the call waits for the reply (a deadline), then calls at
/// once on `accept`, ends on `reject`, or ends when the wait passes.
@Suite struct OutboundPermissionRequestTests {
    @Test func grantedThenCalledAtOnce() {
        var d = MachineDriver.outbound()
        d.feed(.start)
        #expect(d.feed(.permission(.requestPermission)) == [.requestPermission])
        d.feed(.permissionRequested)
        #expect(d.machine.state == .awaitingPermission)
        #expect(d.machine.nextDeadline() == d.now + .seconds(86_400))
        d.advance(by: .seconds(3600))
        #expect(d.feed(.permissionReply(granted: true)).last == .offerMedia)
        #expect(d.machine.state == .dialing)
    }

    @Test func rejectedEndsTheCall() {
        var d = MachineDriver.placing(.awaitingPermission)
        d.feed(.permissionReply(granted: false))
        #expect(d.log.last?.outboundEnd == .permissionDenied)
        #expect(d.log.last?.finalizeReason?.code == "permission_denied")
    }

    @Test func noReplyWithinTheWait() {
        var timing = CallMachine.Timing()
        timing.permissionWait = .seconds(600)
        var d = MachineDriver.outbound(timing: timing)
        d.feed(.start)
        d.feed(.permission(.requestPermission))
        d.feed(.permissionRequested)
        d.advance(by: .seconds(599))
        #expect(d.machine.state == .awaitingPermission)
        d.advance(by: .seconds(1))
        #expect(d.log.last?.outboundEnd == .permissionTimeout(.seconds(600)))
    }

    /// 138017 on the request: a permanent permission exists, so the call goes ahead.
    @Test func aPermanentPermissionMakesTheRequestNeedless() {
        var d = MachineDriver.outbound()
        d.feed(.start)
        d.feed(.permission(.requestPermission))
        #expect(d.feed(.permissionRequestFailed(.permanentPermissionExists)) == [.offerMedia])
    }

    @Test func aRequestRefusedByWhatsAppEndsTheCall() {
        var d = MachineDriver.outbound()
        d.feed(.start)
        d.feed(.permission(.requestPermission))
        d.feed(.permissionRequestFailed(.permissionRequestLimit))
        #expect(d.log.last?.finalizeReason?.code == "permission_request_limit")
        #expect(d.log.last?.finalizeReason?.errorCode == "138009")
    }
}
