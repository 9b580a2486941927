@testable import IVRApp
import Testing
import Wire

/// Every input in every placing state: the call still ends with exactly one outcome, never a
/// `connect` after it began to end, and the owner exits.
@Suite struct OutboundEveryStateTests {
    static let inputs: [(String, CallMachine.Input)] = EveryStateAndInputTests.inputs + [
        ("permissionCall", .permission(.call)),
        ("permissionRequest", .permission(.requestPermission)),
        ("permissionRefuse", .permission(.refuse(.unansweredGuard(count: 2, threshold: 2)))),
        ("permissionRequested", .permissionRequested),
        ("permissionRequestFailed", .permissionRequestFailed(.permissionRequestLimit)),
        ("replyGranted", .permissionReply(granted: true)),
        ("replyRejected", .permissionReply(granted: false)),
        ("mediaOffered", .mediaOffered),
        ("mediaOfferFailed", .mediaOfferFailed("no port")),
        ("dialed", .dialed(whatsAppCallID: "wacid.X")),
        ("dialFailed", .dialFailed(.noPermission)),
        ("answer", .answer(sdp: "v=0")),
        ("answerApplied", .answerApplied),
        ("answerRefused", .answerRefused("bad")),
        ("progressRejected", .progress(.rejected)),
    ]

    static let placing = CallMachine.State.allCases.filter(\.isPlacing)
    static let pairs: [(CallMachine.State, String)] = placing.flatMap { state in inputs.map { (state, $0.0) } }

    @Test(arguments: pairs)
    func eachInputInEachPlacingState(state: CallMachine.State, inputName: String) throws {
        let input = try #require(Self.inputs.first { $0.0 == inputName }?.1)
        var d = MachineDriver.placing(state)
        #expect(d.machine.state == state)
        d.feed(input)
        let all = d.playOut()
        let finalizes = all.filter(\.isFinalize)
        #expect(finalizes.count == 1, "\(state) + \(inputName): \(finalizes.count) finalizations in \(all)")
        if let i = all.firstIndex(where: \.isFinalize) {
            #expect(!all[i...].contains { $0.graphStep == .connect }, "\(state) + \(inputName): connect after the end")
        }
        #expect(d.machine.state == .finalized)
        #expect(all.last == .exit)
    }

    @Test func theTableCoversEveryPlacingState() {
        #expect(Self.placing == [.checkingPermission, .awaitingPermission, .dialing, .ringing, .answered])
        #expect(Self.pairs.count == 5 * Self.inputs.count)
    }
}
