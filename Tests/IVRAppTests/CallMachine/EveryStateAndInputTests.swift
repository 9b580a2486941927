import Flow
@testable import IVRApp
import Testing
import Wire

/// Every input in every state: the state it leads to, and that the rest of the call then ends with
/// exactly one outcome, no Graph set-up action after the call began to end, and the owner exiting.
@Suite struct EveryStateAndInputTests {
    static let inputs: [(String, CallMachine.Input)] = [
        ("start", .start),
        ("refuse", .refuse("no flow")),
        ("mediaAnswered", .mediaAnswered),
        ("mediaAnswerFailed", .mediaAnswerFailed("no opus")),
        ("preAcceptOK", .graphSucceeded(.preAccept)),
        ("acceptOK", .graphSucceeded(.accept)),
        ("rejectOK", .graphSucceeded(.reject)),
        ("preAcceptFailed", .graphFailed(.preAccept, "HTTP 500")),
        ("acceptFailed", .graphFailed(.accept, "HTTP 400")),
        ("rejectFailed", .graphFailed(.reject, "HTTP 400")),
        ("mediaConnected", .mediaConnected("203.0.113.9:3478")),
        ("mediaClosed", .mediaClosed(MachineDriver.consentLost)),
        ("terminated", .terminated(MachineDriver.terminate())),
        ("progress", .progress(.ringing)),
        ("flowStarted", .flowStarted),
        ("flowStartFailed", .flowStartFailed("bad flow")),
        ("flowHungUp", .flowHungUp(.completed)),
        ("flowFinished", .flowFinished(MachineDriver.outcome(.completed))),
        ("drain", .drain(deadline: MachineDriver.start + .seconds(30))),
        ("finalized", .finalized),
    ]

    /// The state each input leads to, from each state (inputs not listed leave the state as it is).
    static let expected: [CallMachine.State: [String: CallMachine.State]] = [
        .received: ["start": .answering, "refuse": .ending, "terminated": .ending],
        .answering: ["refuse": .ending, "mediaAnswerFailed": .ending, "preAcceptOK": .preAccepted,
                     "preAcceptFailed": .ending, "terminated": .ending],
        .preAccepted: ["refuse": .ending, "mediaConnected": .mediaConnected, "mediaClosed": .ending, "terminated": .ending],
        .mediaConnected: ["refuse": .ending, "acceptOK": .accepted, "acceptFailed": .ending, "mediaClosed": .ending,
                          "terminated": .ending],
        .accepted: ["flowStarted": .running, "flowStartFailed": .ending, "mediaClosed": .ending, "terminated": .ending],
        .running: ["mediaClosed": .ending, "terminated": .ending, "flowHungUp": .ending, "flowFinished": .ending],
        .ending: [:],
        .finalized: [:],
    ]

    /// The states of a call answered here; a call we place has its own table (`OutboundEveryStateTests`).
    static let pairs: [(CallMachine.State, String)] = CallMachine.State.allCases.filter { !$0.isPlacing }.flatMap { state in
        inputs.map { (state, $0.0) }
    }

    @Test(arguments: pairs)
    func eachInputInEachState(state: CallMachine.State, inputName: String) throws {
        let input = try #require(Self.inputs.first { $0.0 == inputName }?.1)
        var d = MachineDriver.at(state)
        #expect(d.machine.state == state)
        d.feed(input)
        let next = Self.expected[state]?[inputName] ?? state
        #expect(d.machine.state == next, "\(state) + \(inputName) → \(d.machine.state), expected \(next)")
        let all = d.playOut()  // the input's own actions, then the rest of the call
        let finalizes = all.filter(\.isFinalize)
        if state == .finalized {
            #expect(finalizes.isEmpty, "a finalized call finalized again: \(all)")
        } else {
            #expect(finalizes.count == 1, "\(state) + \(inputName): \(finalizes.count) finalizations in \(all)")
            if let i = all.firstIndex(where: \.isFinalize) {
                let setUpAfter = all[i...].contains { $0.graphStep == .preAccept || $0.graphStep == .accept }
                #expect(!setUpAfter, "\(state) + \(inputName): pre_accept/accept after the end: \(all)")
            }
        }
        #expect(d.machine.state == .finalized)
        #expect(d.machine.nextDeadline() == nil)
        if state != .finalized { #expect(all.last == .exit, "\(state) + \(inputName) ends with \(String(describing: all.last))") }
    }

    @Test func theTableCoversEveryStateAndInput() {
        #expect(Self.pairs.count == CallMachine.State.allCases.filter { !$0.isPlacing }.count * Self.inputs.count)
        #expect(Self.pairs.count == 160)
    }
}
