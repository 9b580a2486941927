@testable import IVRApp
import Testing
import Wire

/// The drain reaches calls being placed: nothing up at WhatsApp ends at once; a ringing call is
/// terminated; a `connect` in flight ends once its id is known.
@Suite struct OutboundDrainTests {
    static let deadline = MachineDriver.start + .seconds(30)

    @Test func awaitingPermissionEndsAtOnce() {
        var d = MachineDriver.placing(.awaitingPermission)
        d.feed(.drain(deadline: Self.deadline))
        #expect(d.log.last?.outboundEnd == .notPlaced("the server is shutting down"))
    }

    @Test func ringingIsTerminated() {
        var d = MachineDriver.placing(.ringing)
        d.feed(.drain(deadline: Self.deadline))
        #expect(d.log.last?.finalizeReason == .shutdown(nil))
        #expect(d.log.last?.finalizeReason?.sendsTerminate == true)
    }

    @Test func aConnectInFlightEndsWhenTaken() {
        var d = MachineDriver.placing(.dialing)
        d.feed(.mediaOffered)
        d.feed(.drain(deadline: Self.deadline))
        #expect(!d.log.contains { $0.isFinalize })
        d.feed(.dialed(whatsAppCallID: "wacid.D"))
        #expect(d.machine.whatsAppCallID == "wacid.D")
        #expect(d.log.last?.finalizeReason == .shutdown(nil))
    }
}
