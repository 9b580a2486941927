import Foundation
@testable import Flow
import Testing

/// Simulator transcripts of every example flow, compared with the files in Fixtures/transcripts/.
/// Set UPDATE_TRANSCRIPTS=1 to rewrite them after a deliberate change (then review the diff).
@Suite struct SimulatorTests {
    struct Scenario: Sendable, CustomStringConvertible {
        var flow: String
        var name: String
        var inputs: [String]
        var http: String?
        /// When the call starts (for `hours:` steps); nil: no wall clock.
        var at: String?
        var description: String { "\(flow)-\(name)" }
    }

    static let scenarios: [Scenario] = [
        Scenario(flow: "main", name: "key-sales", inputs: ["wait:3s", "1"]),
        Scenario(flow: "main", name: "barge-in-welcome", inputs: ["2"]),
        Scenario(flow: "main", name: "voice-support", inputs: ["wait:4s", "say:help"]),
        Scenario(flow: "main", name: "hours-twice", inputs: ["wait:4s", "3", "wait:5s", "say:hours"], at: "2026-12-22T10:00+01:00"),
        Scenario(flow: "main", name: "hours-christmas-eve", inputs: ["wait:4s", "3", "wait:5s", "hangup"], at: "2026-12-24T18:00+01:00"),
        Scenario(flow: "main", name: "hours-closed-evening", inputs: ["wait:4s", "3", "wait:5s", "hangup"], at: "2026-12-22T17:00+01:00"),
        Scenario(flow: "main", name: "silence", inputs: []),
        Scenario(flow: "main", name: "invalid-then-hangup", inputs: ["wait:4s", "9", "wait:1s", "hangup"]),
        Scenario(flow: "main", name: "low-confidence", inputs: ["wait:4s", "say:sales@0.3", "wait:1s", "say:sales@0.9"]),
        Scenario(flow: "main", name: "voice-confirm", inputs: ["wait:4s", "say:sales@0.6", "wait:1s", "say:yes"]),
        Scenario(flow: "appointment", name: "confirm", inputs: ["wait:1s", "123456", "wait:2s", "1"], http: "appointment-found"),
        Scenario(flow: "appointment", name: "cancel-by-voice", inputs: ["wait:1s", "123456", "wait:2s", "say:cancel"], http: "appointment-found"),
        Scenario(flow: "appointment", name: "not-found", inputs: ["wait:1s", "654321#"], http: "appointment-missing"),
        Scenario(flow: "appointment", name: "service-down", inputs: ["wait:1s", "123456#"], http: "appointment-down"),
        Scenario(flow: "appointment", name: "short-code", inputs: ["wait:2s", "12#", "wait:3s", "123456"], http: "appointment-found"),
        Scenario(flow: "reception", name: "spanish", inputs: ["2", "wait:3s", "3"], at: "2026-12-22T10:00-05:00"),
        Scenario(flow: "reception", name: "thanksgiving", inputs: [], at: "2026-11-26T10:00-05:00"),
        Scenario(flow: "voicemail", name: "message-then-hash", inputs: ["wait:10s", "#"]),
        Scenario(flow: "voicemail", name: "hangup-while-recording", inputs: ["wait:8s", "hangup"]),
    ]

    @Test(arguments: scenarios)
    func transcriptMatches(_ s: Scenario) throws {
        let flow = try loadExample(s.flow)
        let fixtures = try s.http.map { try HTTPFixtures.load(path: "\(Paths.fixtures)/http/\($0).json") } ?? HTTPFixtures()
        let inputs = try s.inputs.map { try SimulatorInput.parse($0) }
        var call = CallInfo(callID: "wacid.sim1", from: "15550001111", phoneNumberID: flow.numbers.first ?? "000000000000000", callerName: "Sam")
        call.ctaPayload = nil
        call.startedAt = try s.at.map { try SimulatedMoment.parse($0) }
        let result = FlowSimulator(flow: flow, call: call, fixtures: fixtures).run(inputs)
        let transcript = result.transcript.replacingOccurrences(of: Paths.repo + "/", with: "")
        let path = "\(Paths.fixtures)/transcripts/\(s.flow)-\(s.name).txt"
        if ProcessInfo.processInfo.environment["UPDATE_TRANSCRIPTS"] == "1" || !FileManager.default.fileExists(atPath: path) {
            try transcript.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(transcript == expected)
        #expect(result.outcome != nil)
    }
}
